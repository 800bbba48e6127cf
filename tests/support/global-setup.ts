// Starts the service under test once for the whole suite, as a user would (`src/main.ts`):
// - without DATABASE_URL: the service starts its own embedded PostgreSQL in a temporary folder;
// - with DATABASE_URL (e.g. Debian's PostgreSQL in CI): a fresh database is created on that server.
// Either way the service migrates and seeds the bundled catalogue at start, and serves the models that
// tests/support/models.ts puts in a temporary MODELS_DIR. It runs its in-process prediction worker on both
// databases (START_WORKER=true: its default only on the embedded one), so that both run the same code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedUrl, readEmbeddedCredentials } from '../../src/db/embedded-credentials.ts';
import type { TestEnvironment } from './env.ts';
import { prepareTestModels } from './models.ts';
import { type RunningService, freePort, startService } from './service.ts';
import { TEST_PORTAL_ORIGIN } from './portal.ts';

declare global {
  // eslint-disable-next-line no-var
  var __xasgraphTest: { service: RunningService; env: TestEnvironment; scratch: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-test-'));
  fs.chmodSync(scratch, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach the data folder
  const dataDir = path.join(scratch, 'data');
  const modelsDir = path.join(scratch, 'models');
  prepareTestModels(modelsDir);
  let env: TestEnvironment;
  let service: RunningService;
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `xasgraph_test_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    await admin.end();
    const url = new URL(external);
    url.pathname = `/${name}`;
    service = await startService({ DATABASE_URL: url.toString(), XASGRAPH_DATA_DIR: dataDir, MODELS_DIR: modelsDir, START_WORKER: 'true', CORS_ORIGINS: TEST_PORTAL_ORIGIN });
    env = { graphqlUrl: '', baseUrl: '', databaseUrl: url.toString(), adminUrl: external, mode: 'external', dataDir, modelsDir };
  } else {
    const pgPort = await freePort();
    service = await startService({ XASGRAPH_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), MODELS_DIR: modelsDir, START_WORKER: 'true', CORS_ORIGINS: TEST_PORTAL_ORIGIN });
    // The credentials the service made at its first start (random, in the data folder), read the way the CLIs do.
    const credentials = readEmbeddedCredentials(dataDir);
    if (!credentials) throw new Error(`the service under test left no credentials file in ${dataDir}`);
    const databaseUrl = embeddedUrl(credentials.service, pgPort, credentials.database);
    const adminUrl = embeddedUrl(credentials.superuser, pgPort, 'postgres');
    env = { graphqlUrl: '', baseUrl: '', databaseUrl, adminUrl, mode: 'embedded', dataDir, modelsDir };
  }
  env.baseUrl = `http://127.0.0.1:${service.port}`;
  env.graphqlUrl = `${env.baseUrl}/graphql`;
  process.env.XASGRAPH_TEST_ENV = JSON.stringify(env);
  globalThis.__xasgraphTest = { service, env, scratch };
}
