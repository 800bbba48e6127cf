// `npm run seed`: load the bundled catalogue into the configured database (idempotent): DATABASE_URL, else the embedded
// PostgreSQL in XASGRAPH_DATA_DIR (the one a running `npm start` serves, or started for the command).
import { loadConfig } from '../config.ts';
import { seedMeasuredLibrary } from '../catalog/measured-library.ts';
import { seedCatalog, SEED_MATERIAL_COUNT } from '../catalog/seed.ts';
import { openDatabase } from '../db/open.ts';
import { logger } from '../logger.ts';
import { createProgress } from './progress.ts';

const config = loadConfig();
const db = await openDatabase(config, logger, { shareRunningEmbedded: true });
let exitCode = 0;
try {
  const progress = createProgress('seed', SEED_MATERIAL_COUNT);
  const started = performance.now();
  const result = await seedCatalog(db.pool, config.SEED_DIR, (p) =>
    progress.update(p.materialsRead, `(${p.inserted.spectra} new spectra)`),
  );
  const seconds = (performance.now() - started) / 1000;
  const { materials, sites, spectra } = result.inserted;
  progress.finish(
    `${result.materialsRead} materials read in ${seconds.toFixed(1)} s; inserted ${materials} materials, ${sites} absorbing sites, ${spectra} spectra` +
      (materials === 0 && spectra === 0 ? ' (already seeded: nothing changed)' : ''),
  );
  const measured = await seedMeasuredLibrary(db.pool, config.SEED_DIR);
  console.log(
    `measured reference library: ${measured.entries} manifest entries; inserted ${measured.inserted.spectra} spectra, ${measured.inserted.materials} materials` +
      (measured.inserted.spectra === 0 ? ' (already loaded: nothing changed)' : ''),
  );
} catch (err) {
  exitCode = 1;
  console.error(`seed failed: ${(err as Error).message}`);
} finally {
  await db.close();
}
process.exit(exitCode);
