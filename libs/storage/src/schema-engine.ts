import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import Module from 'node:module';
import * as nodeTimers from 'node:timers';
import { runInThisContext } from 'node:vm';
import type { PoolConfig } from 'pg';
import { dirname, join } from 'node:path';

/** The subset of `@prisma/schema-engine-wasm` (an internal Prisma API, pinned exactly in package.json) we call. */
export interface SchemaEngine {
  applyMigrations(input: {
    migrationsList: MigrationsList;
    filters: SchemaFilter;
  }): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

interface SchemaEngineRuntime {
  SchemaEngine: {
    new: (options: object, log: (message: string) => void, adapter: object) => Promise<SchemaEngine>;
  };
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}

export interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}

export interface MigrationsList {
  baseDir: string;
  shadowDbInitScript: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: 'ok'; value: string } };
  }[];
}

/** Node has WebAssembly; our `lib` (ES2022, no DOM) just doesn't declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

export const NO_SCHEMA_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Remembers, on the main realm's global, the glue once it is bound to its WASM instance. The glue is loaded by
 * Node's own loader (see `nativeLoad`), so it is one object per process even when jest gives each spec file fresh
 * modules; binding it to a second instance would let the first instance's pending timers call into the second
 * one's memory (the engine then panics: "FnOnce called more than once").
 */
const BOUND_GLUE = Symbol.for('binance-rates.schema-engine.bound-glue');

/**
 * Loads a module with Node's own loader, even inside jest, for two reasons. Jest's sandboxed `require` (and its
 * `createRequire`) cannot load ESM on Node < 24.9, while Node >= 20.19 requires ESM natively. And the engine's
 * glue does `instanceof Promise`/`Error` checks, so the driver adapter and everything handed to the engine must
 * come from the same realm as the glue, not from jest's vm context. Jest's `node:module` shim still carries
 * Node's real `Module._load`; outside jest this is just `require`.
 */
function nativeLoad<T>(id: string): T {
  const loader = Module as unknown as { _load(request: string, parent: null, isMain: boolean): unknown };
  return loader._load(require.resolve(id), null, false) as T;
}

/** Copies plain data into the main realm (see `nativeLoad`); a no-op outside jest. */
function toMainRealm<T>(value: T): T {
  const mainJson = runInThisContext('JSON') as typeof JSON;
  return mainJson === JSON ? value : (mainJson.parse(JSON.stringify(value)) as T);
}

export interface SchemaEngineSession {
  applyMigrations(migrationsList: MigrationsList): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the WASM schema engine on its own small pool; always `close()` it. */
export async function openSchemaEngine(connection: PoolConfig): Promise<SchemaEngineSession> {
  const { Pool } = nativeLoad<typeof import('pg')>('pg');
  const { PrismaPg } = nativeLoad<typeof import('@prisma/adapter-pg')>('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = nativeLoad<typeof import('@prisma/driver-adapter-utils')>(
    '@prisma/driver-adapter-utils',
  );
  // A pool we own and end: the adapter never closes a pool it was handed.
  const pool = new Pool(toMainRealm({ ...connection, max: 2 }));
  try {
    const engine = await loadSchemaEngineRuntime().SchemaEngine.new(
      toMainRealm({}),
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool)),
    );
    return {
      applyMigrations: async (migrationsList) => {
        try {
          const output = await engine.applyMigrations(toMainRealm({ migrationsList, filters: NO_SCHEMA_FILTER }));
          return [...output.appliedMigrationNames];
        } catch (error) {
          throw asError(error);
        }
      },
      close: async () => {
        engine.free();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw asError(error);
  }
}

/** Engine errors may be plain objects, or Errors from the main realm (which fail `instanceof Error` in jest). */
function asError(error: unknown): Error {
  if (error instanceof Error) {
    return error;
  }
  const message = typeof error === 'object' && error && 'message' in error ? String(error.message) : String(error);
  const wrapped = new Error(`Schema engine: ${message}`);
  if (typeof error === 'object' && error && 'stack' in error) {
    wrapped.stack = String(error.stack);
  }
  return wrapped;
}

/** Loads Prisma's WASM schema engine; the package is ESM-only and this project is CommonJS. */
export function loadSchemaEngineRuntime(): SchemaEngineRuntime {
  const glue = nativeLoad<SchemaEngineRuntime>('@prisma/schema-engine-wasm/schema_engine_bg');
  const mainGlobal = runInThisContext('globalThis') as { [BOUND_GLUE]?: SchemaEngineRuntime };
  if (mainGlobal[BOUND_GLUE] !== glue) {
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const imports: Record<string, unknown> = { ...glue };
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      // The engine arms a 10 s timeout around its advisory lock and never clears it; unref'd, it cannot hold
      // a finished CLI (or jest) open for 10 s.
      imports[name] = (callback: () => void, ms: number) => nodeTimers.setTimeout(callback, ms >>> 0).unref();
    }
    const instance = new wasmApi.Instance(new wasmApi.Module(readFileSync(wasmPath)), {
      './schema_engine_bg.js': imports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    mainGlobal[BOUND_GLUE] = glue;
  }
  return glue;
}

/** Reads `prisma/migrations` the way the Prisma CLI hands it to the schema engine. */
export async function readMigrationsList(dir: string): Promise<MigrationsList> {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
        .map((entry) => entry.name)
        .sort()
    : [];
  const lock = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    shadowDbInitScript: '',
    lockfile: { path: 'migration_lock.toml', content: existsSync(lock) ? await readFile(lock, 'utf8') : null },
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok' as const, value: await readFile(join(dir, name, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
}

/** Walks up from `start` to the first directory holding `prisma/migrations` (works from src/ and dist/). */
export function findMigrationsDir(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`No prisma/migrations directory found above ${start}`);
    }
    dir = parent;
  }
}
