/**
 * SQL fragments between `timestamptz` and epoch milliseconds, the unit of every time in the domain. Both directions
 * are exact for whole milliseconds: the float8 carries them below 2^53, and the bigint parameter never goes through a
 * float (`to_timestamp(double)` would).
 */

/** `column` (timestamptz) as epoch milliseconds; `pg` returns the float8 as a JavaScript number. */
export function epochMs(column: string): string {
  return `(extract(epoch FROM ${column}) * 1000)::float8`;
}

/** The epoch-milliseconds query parameter `parameter` (such as `$2`) as a timestamptz. */
export function fromEpochMs(parameter: string): string {
  return `timestamptz 'epoch' + ${parameter}::bigint * interval '1 millisecond'`;
}
