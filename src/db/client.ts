// One connection pool per process, shared by Prisma (through @prisma/adapter-pg) and by the bulk-SQL
// modules. Every statement sent is counted (prom-client), so tests and operators can see how many SQL
// queries a GraphQL request costs.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Counter } from 'prom-client';
import { PrismaClient } from '../generated/prisma/client.ts';
import { metricsRegistry } from '../metrics.ts';

export const sqlQueriesTotal = new Counter({
  name: 'xasgraph_sql_queries_total',
  help: 'SQL statements sent to PostgreSQL by this process',
  registers: [metricsRegistry],
});

export interface Database {
  /** Connection URL (worker threads open their own pools with it). */
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** Connect to `url`. Nothing is sent until the first query. */
export function connectDatabase(url: string, maxConnections = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  pool.on('connect', (client) => countQueries(client));
  pool.on('error', () => undefined); // an idle client's error (server restart) surfaces on the next query
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function countQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    sqlQueriesTotal.inc();
    return query(...args);
  };
}
