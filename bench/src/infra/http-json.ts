import { Agent, request } from 'node:http';

export interface HttpResponse<T> {
  status: number;
  body: T;
}

const sharedAgent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpJsonParams {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  agent?: Agent;
  timeoutMs?: number;
}

/** A small JSON-over-HTTP call on a keep-alive agent; any status resolves, network errors reject. */
export function httpJson<T = unknown>({ method, url, body, agent = sharedAgent, timeoutMs = 30_000 }: HttpJsonParams): Promise<HttpResponse<T>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            // not JSON: hand back the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with Date.now() of other processes). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Polls `check` every 50 ms until it holds; returns how long that took, or throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = nowMs();
  while (!(await check())) {
    if (nowMs() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(50);
  }
  return nowMs() - start;
}
