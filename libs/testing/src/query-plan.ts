import type { Pool, PoolClient } from 'pg';

/** A statement as `pg` takes it: text and values, or a config object (a named statement carries its text in it). */
type Query = (textOrConfig: string | { text: string; values?: unknown[] }, values?: unknown[]) => Promise<unknown>;

/**
 * The node types of PostgreSQL's plan for the last statement with parameters that `run` sends through `pool`, directly
 * or on a client it checks out (transaction control such as BEGIN or COMMIT has none): the statement is captured as
 * sent (text and values) and explained on the same database, so a test can say how a query is executed.
 */
export async function planNodesOf(pool: Pool, run: () => Promise<unknown>): Promise<string[]> {
  const sent: Array<{ text: string; values: unknown[] }> = [];
  const record = (query: Query): Query => (textOrConfig, values) => {
    const statement = typeof textOrConfig === 'string' ? { text: textOrConfig, values } : textOrConfig;
    if (statement.values !== undefined && statement.values.length > 0) {
      sent.push({ text: statement.text, values: statement.values });
    }
    return query(textOrConfig, values);
  };
  type Connect = (callback?: (...args: unknown[]) => void) => Promise<PoolClient> | undefined;
  const spy = pool as unknown as { query: Query; connect: Connect };
  const connect = pool.connect.bind(pool) as Connect;
  spy.query = record(pool.query.bind(pool) as Query);
  // pool.query checks a client out with a callback: those are left alone (the statement is recorded above).
  spy.connect = (callback) => (callback ? connect(callback) : checkOut());
  const checkOut = async (): Promise<PoolClient> => {
    const client = (await connect()) as PoolClient;
    const clientSpy = client as unknown as { query: Query; release: PoolClient['release'] };
    const release = client.release.bind(client);
    clientSpy.query = record(client.query.bind(client) as Query);
    clientSpy.release = (error?: Error | boolean) => {
      delete (clientSpy as Partial<typeof clientSpy>).query;
      delete (clientSpy as Partial<typeof clientSpy>).release;
      release(error);
    };
    return client;
  };
  try {
    await run();
  } finally {
    delete (spy as Partial<typeof spy>).query;
    delete (spy as Partial<typeof spy>).connect;
  }
  const last = sent[sent.length - 1];
  if (last === undefined) {
    throw new Error('no statement with parameters was sent');
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
