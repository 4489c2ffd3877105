/**
 * A recursive CTE `name(lo, hi)` whose largest `lo` is the first stored id of symbol $1 whose trade time is not
 * `operator time` (or one past the newest id when all are), by binary search over the primary key: the history keeps no
 * time index, because trade time never decreases along a symbol's aggregate ids and an index on it would cost a
 * large share of the insert work. Invariant: stored ids below `lo` are `operator time`, stored ids from `hi` up are not.
 * Each step probes the first stored row at or after the midpoint, so holes in the ids are fine; about 32 probes for
 * a span of 4 billion ids.
 */
export function idBoundSearch(name: string, operator: '<' | '<=', time: string): string {
  return `${name}(lo, hi) AS (
    SELECT (SELECT min(trade_id) FROM agg_trade WHERE symbol = $1), (SELECT max(trade_id) + 1 FROM agg_trade WHERE symbol = $1)
    UNION ALL
    SELECT CASE WHEN probe.passes THEN probe.trade_id + 1 ELSE b.lo END,
           CASE WHEN probe.passes THEN b.hi ELSE (b.lo + b.hi) / 2 END
    FROM ${name} AS b
    CROSS JOIN LATERAL (
      SELECT coalesce(bool_or(p.trade_id < b.hi AND p.trade_time ${operator} ${time}), false) AS passes, max(p.trade_id) AS trade_id
      FROM (SELECT trade_id, trade_time FROM agg_trade
            WHERE symbol = $1 AND trade_id >= (b.lo + b.hi) / 2 ORDER BY trade_id LIMIT 1) AS p
    ) AS probe
    WHERE b.lo < b.hi
  )`;
}
