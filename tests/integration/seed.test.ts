// `npm run seed` on the already seeded test database changes nothing (the service seeded it at start).
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { testEnvironment } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const env = testEnvironment();

async function tableCounts(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM material)::int AS materials,
              (SELECT count(*) FROM absorbing_site)::int AS sites,
              (SELECT count(*) FROM spectrum)::int AS spectra,
              (SELECT max(created_at) FROM spectrum)::text AS newest`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

test('seeding twice changes nothing, and says so', async () => {
  const before = await tableCounts();
  expect(before).toMatchObject({ materials: 2697, sites: 5299, spectra: 7822 });
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'warn', CI: 'true' };
  delete childEnv.NODE_OPTIONS;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts'], { cwd: REPO_ROOT, env: childEnv, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/seed: 2697\/2697 \(100 %\)/);
  expect(run.stderr).toMatch(/inserted 0 materials, 0 absorbing sites, 0 spectra \(already seeded: nothing changed\)/);
  expect(await tableCounts()).toEqual(before);
});
