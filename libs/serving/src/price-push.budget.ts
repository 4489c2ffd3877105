import { PushClientsFullError, PushFollowsFullError } from './serving.errors';

export interface PricePushLimits {
  /** Clients one instance serves at once (`PRICE_PUSH_MAX_CLIENTS`): each holds a socket and a heartbeat timer. */
  maxClients: number;
  /** Followed symbols over all clients (`PRICE_PUSH_MAX_FOLLOWS`): each costs a lookup per round, and an event when it moved. */
  maxFollows: number;
}

export interface PricePushLoadParams {
  /** What each client served follows: the number of symbols it named, or null for every tracked symbol. */
  served: Iterable<number | null>;
  trackedCount: number;
}

export interface PricePushAdmissionParams extends PricePushLoadParams {
  /** What the new client would follow, the same way. */
  wanted: number | null;
}

/**
 * Admission to the live push by what a client costs per round, not by head count: a client that names no symbols
 * follows every tracked one, so it costs as much as that many clients following one symbol each. Costs are taken
 * at admission; a client following every symbol is not cut when more are tracked later.
 */
export class PricePushBudget {
  constructor(private readonly limits: PricePushLimits) {}

  /** Followed symbols per round over the clients `served`. */
  followsPerRound({ served, trackedCount }: PricePushLoadParams): number {
    let follows = 0;
    for (const followed of served) {
      follows += followed ?? trackedCount;
    }
    return follows;
  }

  /** Throws PushClientsFullError or PushFollowsFullError when one more client following `wanted` does not fit. */
  assertRoomFor({ wanted, served, trackedCount }: PricePushAdmissionParams): void {
    const followed = [...served];
    if (followed.length >= this.limits.maxClients) {
      throw new PushClientsFullError(this.limits.maxClients);
    }
    const follows = this.followsPerRound({ served: followed, trackedCount });
    const cost = wanted ?? trackedCount;
    if (follows + cost > this.limits.maxFollows) {
      throw new PushFollowsFullError(cost, follows, this.limits.maxFollows);
    }
  }
}
