// `npm run seed` on the already seeded test database changes nothing (the service seeded it at start).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { testEnvironment } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const env = testEnvironment();

async function tableCounts(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM material WHERE id NOT LIKE 'exp-%')::int AS materials,
              (SELECT count(*) FROM absorbing_site)::int AS sites,
              (SELECT count(*) FROM spectrum WHERE method <> 'EXPERIMENT')::int AS spectra,
              (SELECT count(*) FROM measured_reference WHERE source <> 'user')::int AS measured,
              (SELECT max(created_at) FROM spectrum WHERE id NOT LIKE '%-user-%')::text AS newest`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

test('seeding twice changes nothing, and says so', async () => {
  const before = await tableCounts();
  const manifestEntries = fs.readdirSync(path.join(REPO_ROOT, 'seed/measured-references/manifest')).filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => fs.readFileSync(path.join(REPO_ROOT, 'seed/measured-references/manifest', n), 'utf8').split('\n').filter((l) => l.trim())).length;
  // The FEFF catalogue and, beside it, every entry of the measured library.
  expect(before).toMatchObject({ materials: 2697, sites: 5299, spectra: 7822, measured: manifestEntries });
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'warn', CI: 'true' };
  delete childEnv.NODE_OPTIONS;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts'], { cwd: REPO_ROOT, env: childEnv, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/seed: 2697\/2697 \(100 %\)/);
  expect(run.stderr).toMatch(/inserted 0 materials, 0 absorbing sites, 0 spectra \(already seeded: nothing changed\)/);
  expect(run.stdout).toMatch(new RegExp(`measured reference library: ${manifestEntries} manifest entries; inserted 0 spectra, 0 materials \\(already loaded: nothing changed\\)`));
  expect(await tableCounts()).toEqual(before);
});
