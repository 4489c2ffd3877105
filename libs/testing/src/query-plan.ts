import type { Pool } from 'pg';

/**
 * The node types of PostgreSQL's plan for the last statement `run` sends through `pool`: the statement is captured
 * as sent (text and values) and explained on the same database, so a test can say how a query is executed.
 */
export async function planNodesOf(pool: Pool, run: () => Promise<unknown>): Promise<string[]> {
  const sent: Array<{ text: string; values: unknown[] }> = [];
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  const spy = pool as unknown as { query: (text: string, values?: unknown[]) => Promise<unknown> };
  spy.query = (text: string, values?: unknown[]) => {
    sent.push({ text, values: values ?? [] });
    return query(text, values);
  };
  try {
    await run();
  } finally {
    delete (spy as Partial<typeof spy>).query;
  }
  const last = sent[sent.length - 1];
  if (last === undefined) {
    throw new Error('no statement was sent');
  }
  const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${last.text}`, last.values);
  const types: string[] = [];
  const walk = (node: PlanNode): void => {
    types.push(node['Node Type']);
    node.Plans?.forEach(walk);
  };
  walk(rows[0]['QUERY PLAN'][0].Plan);
  return types;
}

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
}
