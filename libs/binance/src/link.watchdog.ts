export interface LinkWatchdogTimings {
  /** Send our own ping after this long without any frame from the server. */
  pingAfterIdleMs: number;
  /** Declare the link dead (half-open) after this long without any frame, data, ping or pong. */
  deadAfterIdleMs: number;
}

export type LinkVerdict = { kind: 'alive' } | { kind: 'pingDue' } | { kind: 'dead'; idleMs: number };

const ALIVE: LinkVerdict = { kind: 'alive' };
const PING_DUE: LinkVerdict = { kind: 'pingDue' };

/**
 * Liveness of one socket, judged from when it last heard anything. A half-open TCP link delivers nothing and reports
 * no error, so silence is the only sign: after `pingAfterIdleMs` we ask with a ping (one at a time), after
 * `deadAfterIdleMs` the link counts as dead. Pure: the owner feeds it times and acts on its verdict.
 */
export class LinkWatchdog {
  private lastFrameAt: number;
  private pingOutstanding = false;

  constructor(
    private readonly timings: LinkWatchdogTimings,
    now: number,
  ) {
    this.lastFrameAt = now;
  }

  /** Any frame from the server: data, a control answer or a ping. */
  frameReceived(now: number): void {
    this.lastFrameAt = now;
  }

  /** The answer to our ping (or an unsolicited pong): the link is alive and another ping may be sent. */
  pongReceived(now: number): void {
    this.lastFrameAt = now;
    this.pingOutstanding = false;
  }

  pingSent(): void {
    this.pingOutstanding = true;
  }

  check(now: number): LinkVerdict {
    const idleMs = now - this.lastFrameAt;
    if (idleMs >= this.timings.deadAfterIdleMs) {
      return { kind: 'dead', idleMs };
    }
    if (idleMs >= this.timings.pingAfterIdleMs && !this.pingOutstanding) {
      return PING_DUE;
    }
    return ALIVE;
  }
}
