import { BinanceApiError, BinanceApiErrors } from '@binance-rates/domain';

const WINDOW_MS = 60_000;
/** Requests still sent inside the window after the first 429 before the IP is banned (rest-api.md, "LIMITS"). */
const ABUSE_THRESHOLD = 5;
const FIRST_BAN_MS = 2 * 60_000;
const MAX_BAN_MS = 3 * 24 * 60 * 60_000;

interface ClientWeight {
  windowStart: number;
  used: number;
  rejectedInWindow: number;
  bannedUntil: number;
  bans: number;
}

export interface WeightDecision {
  /** Value for `x-mbx-used-weight-1m`. */
  usedWeight: number;
  error?: BinanceApiError;
}

/**
 * REQUEST_WEIGHT per IP in fixed one-minute windows (the header resets at each minute). Over the limit: 429 with
 * Retry-After until the window ends; clients that keep going get 418 bans that double from 2 min up to 3 days.
 */
export class RequestWeightLimiter {
  private readonly clients = new Map<string, ClientWeight>();

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = limit;
  }

  reset(): void {
    this.clients.clear();
  }

  consume(client: string, weight: number, now: number): WeightDecision {
    const windowStart = now - (now % WINDOW_MS);
    let state = this.clients.get(client);
    if (state === undefined) {
      state = { windowStart, used: 0, rejectedInWindow: 0, bannedUntil: 0, bans: 0 };
      this.clients.set(client, state);
    }
    if (state.windowStart !== windowStart) {
      state.windowStart = windowStart;
      state.used = 0;
      state.rejectedInWindow = 0;
    }
    if (now < state.bannedUntil) {
      return { usedWeight: state.used, error: BinanceApiErrors.banned(state.bannedUntil, secondsUntil(state.bannedUntil, now)) };
    }
    state.used += weight;
    if (state.used <= this.limit) {
      return { usedWeight: state.used };
    }
    state.rejectedInWindow++;
    if (state.rejectedInWindow > ABUSE_THRESHOLD) {
      state.bans++;
      state.bannedUntil = now + Math.min(FIRST_BAN_MS * 2 ** (state.bans - 1), MAX_BAN_MS);
      return { usedWeight: state.used, error: BinanceApiErrors.banned(state.bannedUntil, secondsUntil(state.bannedUntil, now)) };
    }
    return { usedWeight: state.used, error: BinanceApiErrors.tooMuchWeight(this.limit, secondsUntil(windowStart + WINDOW_MS, now)) };
  }
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
