import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { settlesWithin } from '@binance-rates/domain';

/** The checkout this file is in, whether it runs from source (jest) or built into dist/ (npm run docs:screenshot). */
function checkoutRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const CHECKOUT_ROOT = checkoutRoot(__dirname);
const MAIN = join(CHECKOUT_ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

export interface ServiceProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /**
   * SIGTERM (graceful) or SIGKILL; resolves with the exit code once the process is gone. Throws, with the service's
   * output, when it lingers past `timeoutMs` or when a SIGTERM ends in anything but exit code 0.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts the built service (`dist/`, as `npm start` runs it) and resolves once it listens. */
export async function startService(env: Record<string, string>, timeoutMs = 30_000): Promise<ServiceProcess> {
  // The node flags of `npm start` (README "Memory").
  const child = spawn(process.execPath, ['--max-semi-space-size=8', MAIN], {
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', DOTENV: 'false', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close' comes after 'exit' once the output pipes are drained, so output() then holds the last lines too.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${timeoutMs} ms (killed it):\n${output}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      if (!(await settlesWithin(exited, timeoutMs))) {
        child.kill('SIGKILL');
        throw new Error(`service still running ${timeoutMs} ms after ${signal}; killed it. Its output:\n${output}`);
      }
      const code = await exited;
      if (signal === 'SIGTERM' && code !== 0) {
        throw new Error(`service exited with ${code} after SIGTERM. Its output:\n${output}`);
      }
      return code;
    },
  };
}
