import { sleep } from './docker';

/** One request that did not get the answer it should have, with the phase it happened in. */
export interface Failure {
  phase: string;
  what: string;
}

/** Shared by every client: the phase now under way, and every failure seen. */
export class TrafficLog {
  phase = 'start';
  readonly failures: Failure[] = [];
  requests = 0;

  fail(what: string): void {
    this.failures.push({ phase: this.phase, what });
  }
}

type Check = (status: number, body: string) => string | null;

interface Probe {
  path: string;
  check: Check;
}

/** The reads a dashboard makes, each with what its answer must hold. */
export function readProbes(symbols: readonly string[]): Probe[] {
  const json = (body: string): unknown => JSON.parse(body);
  const probes: Probe[] = [
    {
      path: '/api/currencies',
      check: (status, body) => {
        if (status !== 200) return `status ${status}`;
        const listed = new Set((json(body) as Array<{ symbol: string }>).map((row) => row.symbol));
        const missing = symbols.filter((symbol) => !listed.has(symbol));
        return missing.length > 0 ? `missing ${missing.join(',')}` : null;
      },
    },
  ];
  for (const symbol of symbols) {
    probes.push(
      {
        path: `/api/currency/${symbol}`,
        check: (status, body) => {
          if (status !== 200) return `status ${status}`;
          const row = json(body) as { symbol: string; price: string | null };
          return row.symbol === symbol && typeof row.price === 'string' && Number(row.price) > 0 ? null : `answer ${body}`;
        },
      },
      {
        path: `/api/currency/${symbol}/trades?limit=5`,
        check: (status, body) => {
          if (status !== 200) return `status ${status}`;
          const rows = json(body) as Array<{ tradeId: number }>;
          return Array.isArray(rows) && rows.length === 5 ? null : `answer ${body.slice(0, 200)}`;
        },
      },
    );
  }
  return probes;
}

/**
 * `workers` loops of reads through the proxy until stopped, each pausing `pauseMs` between requests (the proxy
 * limits one client address to 100 requests a second). Every answer is checked; a wrong one is a failure.
 */
export function startReads(baseUrl: string, probes: Probe[], log: TrafficLog, { workers, pauseMs }: { workers: number; pauseMs: number }) {
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = worker; running; i++) {
      const probe = probes[i % probes.length];
      log.requests++;
      try {
        const response = await fetch(baseUrl + probe.path, { signal: AbortSignal.timeout(10_000) });
        const body = await response.text();
        const problem = probe.check(response.status, body);
        if (problem) {
          log.fail(`GET ${probe.path}: ${problem}`);
        }
      } catch (error) {
        log.fail(`GET ${probe.path}: ${(error as Error).message}`);
      }
      await sleep(pauseMs);
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** What one live-push client went through. */
export interface PushClientReport {
  connections: number;
  endedByServer: number;
  pricesAfterLastConnect: number;
}

/**
 * A live-push client that behaves as a browser's EventSource: on `event: end` or a closed stream it connects again
 * after the `retry` the stream asked for (else 1 s), through the proxy, so to whichever replica answers. A connect
 * that fails (no answer, not 200) is a failure.
 */
export function startPushClient(url: string, log: TrafficLog) {
  const report: PushClientReport = { connections: 0, endedByServer: 0, pricesAfterLastConnect: 0 };
  let running = true;
  let abort = new AbortController();
  const loop = (async () => {
    let retryMs = 1_000;
    while (running) {
      abort = new AbortController();
      try {
        const response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
        if (response.status !== 200 || !response.body) {
          log.fail(`GET ${url}: status ${response.status}`);
        } else {
          report.connections++;
          report.pricesAfterLastConnect = 0;
          let buffer = '';
          const decoder = new TextDecoder();
          for await (const chunk of response.body) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const event = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const retry = /^retry: (\d+)$/m.exec(event);
              if (retry) retryMs = Number(retry[1]);
              if (/^event: price$/m.test(event)) report.pricesAfterLastConnect++;
              if (/^event: end$/m.test(event)) report.endedByServer++;
            }
          }
        }
      } catch (error) {
        if (running) {
          log.fail(`GET ${url}: ${(error as Error).message}`);
        }
      }
      if (running) {
        await sleep(retryMs);
      }
    }
  })();
  return {
    report,
    stop: async () => {
      running = false;
      abort.abort();
      await loop;
    },
  };
}

/**
 * Adds and removes `symbol` in turn through the proxy until stopped: POST must answer 201 and DELETE 204. Neither is
 * retried by the proxy once sent (not idempotent), so each one that a stopping replica drops shows here.
 */
export function startChanges(baseUrl: string, symbol: string, log: TrafficLog, pauseMs: number) {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [method, path, expected] of [
        ['POST', '/api/currency', 201],
        ['DELETE', `/api/currency/${symbol}`, 204],
      ] as const) {
        log.requests++;
        try {
          const response = await fetch(baseUrl + path, {
            method,
            headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
            body: method === 'POST' ? JSON.stringify({ symbol }) : undefined,
            signal: AbortSignal.timeout(10_000),
          });
          const body = await response.text();
          if (response.status !== expected) {
            log.fail(`${method} ${path}: status ${response.status} ${body.slice(0, 200)}`);
          }
        } catch (error) {
          log.fail(`${method} ${path}: ${(error as Error).message}`);
        }
        await sleep(pauseMs);
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
