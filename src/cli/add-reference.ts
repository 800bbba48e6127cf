// `npm run add-reference -- [options] <file>`: add a lab's own measured standard to the reference library (issue 10,
// item 2): XDI, an Athena project record, or plain columns; formula and oxidation state on the command line or in the
// file. Checked completely before anything is written, then one transaction; the same data twice changes nothing.
// Exit code: 0 added or already there, 1 refused (nothing written), 2 usage error.
import fs from 'node:fs/promises';
import { addOwnReference, OWN_LICENSE, type OwnReferenceOptions } from '../catalog/measured-library.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { logger } from '../logger.ts';
import { CommandLine } from './command-line.ts';

const USAGE = `usage: npm run add-reference -- [options] <file>

Adds one measured reference spectrum (a standard of a known compound) to the catalogue, beside the bundled library:
identification compares every measurement of its element and edge with it. The file is XDI, an Athena project
(.prj, give --record when it holds several groups) or plain columns (energy, mu). Raw or normalised mu both work.

options:
  --formula <f>           chemical formula of the compound (else the XDI Sample.formula), e.g. CuO, Fe3O4, CuSO4(H2O)5
  --oxidation-state <s>   oxidation state of the absorber; one per absorbing atom of the formula if they differ
                          (Fe3O4: 2,3,3)  [required]
  --element <El>, --edge <K|L1|L2|L3>
                          absorbing element and edge, when the file does not say (XDI Element.symbol/edge, Athena)
  --record <name>         Athena group (label or key) or column name, for files of several spectra
  --compound <name>       the compound's name (default: XDI Sample.name, else the formula)
  --phase <name>          polymorph or mineral, where one formula has several (rutile, anatase)
  --coordination <n>      the absorber's coordination number, if known
  --mode <m>              transmission, fluorescence, HERFD or electron yield
  --temperature <t>, --beamline <b>
  --id <id>               record id (default user-<hash of the data>)
  --license <text>        default "${OWN_LICENSE}"
  --credit <text>         who to credit (default "lab standard")
  -h, --help              show this text

The database is the one the service uses: DATABASE_URL, else the embedded PostgreSQL in XASGRAPH_DATA_DIR
(the one a running \`npm start\` serves, or started for the command).
exit code: 0 added (or already there), 1 refused (nothing written), 2 usage error`;

const commandLine: CommandLine = new CommandLine('add-reference', USAGE);

function number(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) commandLine.fail(`${option} must be a number (got "${text}")`);
  return n;
}

const { values, positionals } = commandLine.parse(process.argv.slice(2), {
  formula: { type: 'string' },
  'oxidation-state': { type: 'string' },
  element: { type: 'string' },
  edge: { type: 'string' },
  record: { type: 'string' },
  compound: { type: 'string' },
  phase: { type: 'string' },
  coordination: { type: 'string' },
  mode: { type: 'string' },
  temperature: { type: 'string' },
  beamline: { type: 'string' },
  id: { type: 'string' },
  license: { type: 'string' },
  credit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const);
if (positionals.length !== 1) commandLine.fail(positionals.length === 0 ? 'no file given' : 'give one file (one standard per command)');
const file = positionals[0]!;
const options: OwnReferenceOptions = {};
for (const key of ['formula', 'element', 'edge', 'record', 'compound', 'phase', 'mode', 'temperature', 'beamline', 'id', 'license', 'credit'] as const) {
  if (values[key] !== undefined) options[key] = values[key];
}
if (values['oxidation-state'] !== undefined) options.oxidationStates = values['oxidation-state'].split(',').map((s) => number(s, '--oxidation-state'));
if (values.coordination !== undefined) options.coordinationNumber = number(values.coordination, '--coordination');

let bytes: Buffer;
try {
  bytes = await fs.readFile(file);
} catch (err) {
  console.error(`add-reference: cannot read ${file}: ${(err as Error).message}`);
  process.exit(1);
}
const db = await openDatabase(loadConfig(), logger, { shareRunningEmbedded: true }).catch((err: Error) => {
  console.error(`add-reference: cannot open the database: ${err.message}`);
  process.exit(1);
});
let exitCode = 0;
try {
  const result = await addOwnReference(db.pool, file, bytes, options);
  if (result.alreadyStoredAs) console.log(`add-reference: ${file}: its data is already stored as ${result.alreadyStoredAs}; nothing changed`);
  else console.log(`add-reference: ${file}: added ${result.spectrumId} (record ${result.recordId}, material ${result.materialId})`);
} catch (err) {
  exitCode = 1;
  console.error(`add-reference: ${file}: ${(err as Error).message} (nothing was written)`);
} finally {
  await db.close();
}
process.exit(exitCode);
