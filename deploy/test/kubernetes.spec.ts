import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const MANIFESTS = join(ROOT, 'deploy/kubernetes');

interface ManifestObject {
  kind: string;
  object: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Kubernetes objects, read by path below
}

/** tools/kubernetes-validate.mjs (ESM, like the schema package it loads): every object checked against the API's schemas. */
function validate(files: string[]): Promise<{ objects: ManifestObject[]; problems: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'tools/kubernetes-validate.mjs'), ...files], { timeout: 60_000 }, (error, stdout) => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(error ?? new Error(stdout));
      }
    });
  });
}

describe('deploy/kubernetes', () => {
  const files = readdirSync(MANIFESTS)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(MANIFESTS, name));
  let objects: ManifestObject[];
  const one = (kind: string) => objects.filter((entry) => entry.kind === kind).map((entry) => entry.object)[0];

  beforeAll(async () => {
    const report = await validate(files);
    expect(report.problems).toEqual([]);
    objects = report.objects;
  });

  it('holds a Deployment, a Service, a PodDisruptionBudget, a ConfigMap and a Secret, all valid Kubernetes objects, all in the kustomization', () => {
    expect(objects.map((entry) => entry.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Kustomization', 'PodDisruptionBudget', 'Secret', 'Service']);
    const listed = one('Kustomization').resources as string[];
    expect([...listed, 'kustomization.yaml'].sort()).toEqual(files.map((file) => file.slice(MANIFESTS.length + 1)).sort());
  });

  it('refuses what the Kubernetes API would refuse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(
        bad,
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: three, template: {}}\n---\napiVersion: v1\nkind: Pod2\n',
      );
      const report = await validate([bad]);
      expect(report.problems).toEqual([
        expect.stringMatching(/Deployment x: .*replicas must be integer|Deployment x: .*selector/),
        expect.stringContaining('v1/Pod2'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs several replicas, probes /health/ready and /health/live, and lets a stop finish before the grace period ends', () => {
    const deployment = one('Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    const shutdownSeconds = Number(one('ConfigMap').data.SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + shutdownSeconds);
    expect(one('ConfigMap').data.HOST).toBe('0.0.0.0');
  });

  it('takes DATABASE_URL and API_KEYS from the Secret, and keeps one pod at most out through voluntary disruptions', () => {
    const [container] = one('Deployment').spec.template.spec.containers;
    const fromSecret = Object.fromEntries(
      (container.env as Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>)
        .filter((variable) => variable.valueFrom?.secretKeyRef)
        .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]),
    );
    const secret = one('Secret');
    expect(fromSecret).toEqual({
      DATABASE_URL: { name: secret.metadata.name, key: 'DATABASE_URL' },
      API_KEYS: { name: secret.metadata.name, key: 'API_KEYS' },
    });
    expect(Object.keys(secret.stringData).sort()).toEqual(['API_KEYS', 'DATABASE_URL']);
    expect(one('ConfigMap').data).not.toHaveProperty('DATABASE_URL');
    const budget = one('PodDisruptionBudget');
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector.matchLabels).toEqual(one('Deployment').spec.template.metadata.labels);
  });
});
