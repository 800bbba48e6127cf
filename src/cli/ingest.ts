// `npm run ingest -- [options] <files…>`: load users' own computed spectra (pymatgen XAS dicts, Materials
// Project XAS documents; JSON, JSON arrays or JSON Lines, optionally gzip) into the configured database.
// Each file is all-or-nothing; the other files go on after one fails. Exit code: 0 when every file was
// loaded, 1 when any failed, 2 on a usage error.
import { IngestFileError, ingestFile, type IngestFileOptions } from '../catalog/ingest.ts';
import { DEFAULT_LICENSE, DEFAULT_METHOD, parseMaterialId, parseMethod } from '../catalog/ingest-documents.ts';
import { METHODS } from '../catalog/records.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { logger } from '../logger.ts';
import { CommandLine } from './command-line.ts';

const USAGE = `usage: npm run ingest -- [options] <file> [<file> …]

Loads computed X-ray absorption spectra into the catalogue. A file holds one JSON document, a JSON array
of documents, or JSON Lines (one document per line), optionally gzip-compressed. A document is a pymatgen
XAS dict (XAS.as_dict(): x, y, structure, absorbing_element, edge, spectrum_type, absorbing_index) or a
Materials Project XAS document (spectrum, material_id, absorbing_element, edge, …). Each file is loaded
completely or not at all; rows already in the catalogue are left as they are.

options:
  --method <m>        method of spectra whose document names none: ${METHODS.join(', ')} (default ${DEFAULT_METHOD})
  --license <text>    license of the data (default "${DEFAULT_LICENSE}")
  --material-id <id>  material id for documents without material_id (one file only); without it a
                      structure gets the id user-<hash of the structure>
  -h, --help          show this text

The database is the one the service uses: DATABASE_URL, else the embedded PostgreSQL in XASGRAPH_DATA_DIR
(the one a running \`npm start\` serves, or started for the command).
exit code: 0 all files loaded, 1 some file failed, 2 usage error`;

// Typed explicitly so that TypeScript treats commandLine.fail(…) (returns never) as the end of the path.
const commandLine: CommandLine = new CommandLine('ingest', USAGE);

function parseCommandLine(argv: string[]): { files: string[]; options: IngestFileOptions } {
  const { values, positionals: files } = commandLine.parse(argv, {
    method: { type: 'string' },
    license: { type: 'string' },
    'material-id': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const);
  if (files.length === 0) commandLine.fail('no files given');
  const options: IngestFileOptions = {};
  try {
    if (values.method !== undefined) options.method = parseMethod(values.method, '--method');
    if (values['material-id'] !== undefined) options.materialId = parseMaterialId(values['material-id'], '--material-id');
  } catch (err) {
    commandLine.fail((err as Error).message);
  }
  if (options.materialId !== undefined && files.length > 1) {
    commandLine.fail('--material-id names the material of one file; give one file with it (or put material_id in the documents)');
  }
  if (values.license !== undefined) {
    if (!values.license.trim()) commandLine.fail('--license must not be empty');
    options.license = values.license.trim();
  }
  return { files, options };
}

const spectraCount = (n: number) => `${n} ${n === 1 ? 'spectrum' : 'spectra'}`;

const { files, options } = parseCommandLine(process.argv.slice(2));
const db = await openDatabase(loadConfig(), logger, { shareRunningEmbedded: true }).catch((err: Error) => {
  console.error(`ingest: cannot open the database: ${err.message}`);
  process.exit(1);
});
let failed = 0;
try {
  for (const [i, file] of files.entries()) {
    const step = `[${i + 1}/${files.length}]`;
    process.stderr.write(`ingest ${step} ${file} …\n`);
    try {
      const { spectra, materials } = await ingestFile(db.pool, file, options);
      console.log(
        `ingest ${step} ${file}: ${spectraCount(spectra.inserted)} inserted, ${spectra.alreadyPresent} already present ` +
          `(materials: ${materials.inserted} inserted, ${materials.alreadyPresent} already present)`,
      );
    } catch (err) {
      failed++;
      const message = err instanceof IngestFileError ? err.message : `${file}: ${(err as Error).message}`;
      console.error(`ingest ${step} error: ${message}`);
    }
  }
  if (files.length > 1) console.log(`ingest: ${files.length - failed} of ${files.length} files loaded${failed ? `, ${failed} failed (nothing of them was written)` : ''}`);
} finally {
  await db.close();
}
process.exit(failed > 0 ? 1 : 0);
