/** One check of a health probe: `reason` says why it fails, `warning` what is degraded while it passes. */
export interface HealthCheckResult {
  ok: boolean;
  reason?: string;
  warning?: string;
  /** ISO time the failing or degraded condition began, when known. */
  since?: string;
}

/** A probe's answer: ok when every check is; every check is listed either way, so each "no" comes with its reason. */
export interface HealthVerdict<Name extends string> {
  ok: boolean;
  checks: Record<Name, HealthCheckResult>;
}

export function verdictOf<Name extends string>(checks: Record<Name, HealthCheckResult>): HealthVerdict<Name> {
  return { ok: Object.values<HealthCheckResult>(checks).every((check) => check.ok), checks };
}

export function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function secondsOf(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
