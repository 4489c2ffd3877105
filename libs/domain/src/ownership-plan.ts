/** 32-bit FNV-1a: cheap, stable across processes and versions, good enough to spread symbols over instances. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Assigns every symbol to one live instance, deterministically: each instance that sees the same members and
 * symbols computes the same answer, so no coordination round is needed. Symbols go to their highest-ranked
 * instance (rendezvous hashing, so a membership change moves few symbols) that is still below an even share.
 */
export function assignSymbols(symbols: readonly string[], members: readonly string[]): Map<string, string[]> {
  const sortedMembers = [...new Set(members)].sort();
  const assignment = new Map<string, string[]>(sortedMembers.map((member) => [member, []]));
  if (sortedMembers.length === 0) {
    return assignment;
  }
  const sortedSymbols = [...new Set(symbols)].sort();
  const cap = Math.ceil(sortedSymbols.length / sortedMembers.length);
  for (const symbol of sortedSymbols) {
    const ranked = sortedMembers
      .map((member) => ({ member, score: fnv1a(`${symbol}|${member}`) }))
      .sort((a, b) => b.score - a.score || (a.member < b.member ? -1 : 1));
    const owner = ranked.find(({ member }) => (assignment.get(member) as string[]).length < cap) ?? ranked[0];
    (assignment.get(owner.member) as string[]).push(symbol);
  }
  return assignment;
}

export interface OwnershipInput {
  me: string;
  members: readonly string[];
  tracked: readonly string[];
  held: ReadonlySet<string>;
  /** Symbols whose lease nobody has held for at least the orphan grace period. */
  orphaned: ReadonlySet<string>;
  fairShareSlack: number;
}

export interface OwnershipPlan {
  /** Symbols to take: assigned to us, or orphaned while we are below our share plus slack. */
  acquire: string[];
  /** Held symbols assigned to another live instance: hand them over. */
  handOver: string[];
  /** Held symbols nobody tracks any more. */
  drop: string[];
}

export function planOwnership(input: OwnershipInput): OwnershipPlan {
  const members = input.members.includes(input.me) ? input.members : [...input.members, input.me];
  const trackedSet = new Set(input.tracked);
  const mine = new Set(assignSymbols(input.tracked, members).get(input.me) ?? []);
  const drop = [...input.held].filter((symbol) => !trackedSet.has(symbol));
  const handOver = [...input.held].filter((symbol) => trackedSet.has(symbol) && !mine.has(symbol) && !input.orphaned.has(symbol));
  const acquire = [...mine].filter((symbol) => !input.held.has(symbol));
  const share = Math.ceil(input.tracked.length / members.length) + input.fairShareSlack;
  let holding = input.held.size - drop.length - handOver.length + acquire.length;
  for (const symbol of [...input.orphaned].sort()) {
    if (holding >= share) {
      break;
    }
    if (trackedSet.has(symbol) && !input.held.has(symbol) && !mine.has(symbol)) {
      acquire.push(symbol);
      holding += 1;
    }
  }
  return { acquire: acquire.sort(), handOver: handOver.sort(), drop: drop.sort() };
}
