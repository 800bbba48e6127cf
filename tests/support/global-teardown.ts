// Stops the service started by global-setup.ts (and with it its embedded PostgreSQL), drops the test
// database on an external server, removes the scratch folder.
import fs from 'node:fs';
import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__xasgraphTest;
  if (!state) return;
  const code = await state.service.stop();
  if (code !== 0) console.error(`the service under test exited with code ${code}:\n${state.service.output().slice(-3000)}`);
  if (state.env.mode === 'external') {
    const admin = new pg.Client({ connectionString: state.env.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(state.env.databaseUrl).pathname.slice(1))} WITH (FORCE)`);
    await admin.end();
  }
  fs.rmSync(state.scratch, { recursive: true, force: true });
}
