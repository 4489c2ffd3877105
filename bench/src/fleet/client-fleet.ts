/**
 * The fleet half of the bench's client processes (forked with an IPC channel): opens, samples and closes many clients
 * of one protocol at the parent's request and counts what they receive. The protocol connects one client and reads
 * its events into the client's `ClientTally`; the emulator stamps trades with this machine's clock, so receive time -
 * trade time is the delay from trade to client.
 *
 * Messages: parent {type:'open', follow: string[][]} → {type:'opened', connected, refused}; {type:'sample'} →
 * {type:'sample', ...counters since the previous sample, delay percentiles}; {type:'close'} → {type:'closed'}.
 */

export interface FleetSample {
  type: 'sample';
  seconds: number;
  events: number;
  bytes: number;
  /** Clients the service ended or that broke, and the reasons the service gave. */
  ended: number;
  endReasons: string[];
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
}

export interface FleetOpened {
  type: 'opened';
  connected: number;
  refused: number;
}

/** What every client received since the last sample. */
interface FleetCounters {
  events: number;
  bytes: number;
  ended: number;
  endReasons: string[];
  delays: number[];
}

/** One client's line to the fleet's counters: plain calls, so the receive path allocates nothing of its own. */
export class ClientTally {
  /** Set once the fleet closes the client itself: what follows is not the service ending it. */
  closing = false;

  constructor(private readonly counters: FleetCounters) {}

  received(bytes: number): void {
    this.counters.bytes += bytes;
  }

  event(tradeTime: number, receivedAt: number): void {
    this.counters.events += 1;
    this.counters.delays.push(receivedAt - tradeTime);
  }

  ended(): void {
    if (!this.closing) this.counters.ended += 1;
  }

  endReason(reason: string): void {
    if (!this.closing) this.counters.endReasons.push(reason);
  }
}

export interface FleetProtocol {
  /** Opens one client following `symbols`; resolves with how to close it, or null when refused or unreachable. */
  connect(symbols: string[], tally: ClientTally): Promise<(() => void) | null>;
}

interface FleetClient {
  tally: ClientTally;
  close: () => void;
}

function percentile(sorted: Float64Array, share: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/** Serves the parent's messages with clients of `protocol` for the life of the process, and says it is ready. */
export function runClientFleet(protocol: FleetProtocol): void {
  const counters: FleetCounters = { events: 0, bytes: 0, ended: 0, endReasons: [], delays: [] };
  const clients: FleetClient[] = [];
  let sampledAt = performance.now();

  const open = async (symbols: string[]): Promise<boolean> => {
    const tally = new ClientTally(counters);
    const close = await protocol.connect(symbols, tally);
    if (close === null) return false;
    clients.push({ tally, close });
    return true;
  };

  process.on('message', (message: { type: 'open'; follow: string[][] } | { type: 'sample' | 'close' }) => {
    if (message.type === 'open') {
      void (async () => {
        let connected = 0;
        let refused = 0;
        // A few at a time: a burst of hundreds of connects at once would be a different benchmark (accept queue).
        for (let next = 0; next < message.follow.length; next += 20) {
          const results = await Promise.all(message.follow.slice(next, next + 20).map(open));
          connected += results.filter(Boolean).length;
          refused += results.filter((ok) => !ok).length;
        }
        const opened: FleetOpened = { type: 'opened', connected, refused };
        process.send?.(opened);
      })();
    } else if (message.type === 'sample') {
      const now = performance.now();
      const sorted = Float64Array.from(counters.delays).sort();
      const sample: FleetSample = {
        type: 'sample',
        seconds: (now - sampledAt) / 1000,
        events: counters.events,
        bytes: counters.bytes,
        ended: counters.ended,
        endReasons: [...new Set(counters.endReasons)],
        delayP50Ms: percentile(sorted, 0.5),
        delayP99Ms: percentile(sorted, 0.99),
        delayMaxMs: percentile(sorted, 1),
      };
      counters.delays = [];
      counters.events = 0;
      counters.bytes = 0;
      counters.ended = 0;
      counters.endReasons = [];
      sampledAt = now;
      process.send?.(sample);
    } else if (message.type === 'close') {
      for (const client of clients.splice(0)) {
        client.tally.closing = true;
        client.close();
      }
      process.send?.({ type: 'closed' });
    }
  });

  process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
}
