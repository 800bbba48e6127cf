// `npm run predict -- <structure file> [options]`: predict a structure's X-ray absorption spectrum with a model
// from MODELS_DIR (no database): the site classes with their multiplicities, then the site-averaged spectrum.
// Exit code: 0 predicted, 1 failed, 2 usage or input error.
import fs from 'node:fs';
import { destination, pino } from 'pino';
import { loadConfig } from '../config.ts';
import { InputError } from '../errors.ts';
import { chooseModel } from '../inference/choose.ts';
import { openModel } from '../inference/model.ts';
import { predictStructure, type StructurePrediction } from '../inference/predict.ts';
import { readModelDir } from '../inference/sidecar.ts';
import { compositionOfSpecies, reducedFormula } from '../structure/composition.ts';
import { resolveStructureInput, STRUCTURE_FORMATS, type StructureFormat } from '../structure/input.ts';
import { CommandLine } from './command-line.ts';

const USAGE = `usage: npm run predict -- <structure file> [options]

Predicts the X-ray absorption spectrum (XANES) of a structure: a POSCAR, CIF, XYZ (a molecule) or pymatgen
Structure JSON file. Prints each class of symmetry-equivalent absorbing sites with its multiplicity, then the
site-averaged (multiplicity-weighted) spectrum as three columns: energy (eV), mean, std (one sigma).

options:
  --element <El>    absorbing element (default: the structure's only element a model predicts)
  --edge <edge>     absorption edge (default: the model's)
  --format <f>      ${STRUCTURE_FORMATS.join(', ')} (default AUTO: recognised from the content)
  --model <name>    a model by name, or name@version (default: the newest for the element and edge)
  --json            print the whole prediction (sites with their spectra) as JSON
  -h, --help        show this text

Models are read from MODELS_DIR (default ./models); ONNX_EXECUTION_PROVIDER (cpu, cuda) and ONNX_THREADS apply.
exit code: 0 predicted, 1 failed, 2 usage or input error`;

interface Options {
  file: string;
  element?: string;
  edge?: string;
  format: StructureFormat;
  model?: string;
  json: boolean;
}

// Typed explicitly so that TypeScript treats commandLine.fail(…) (returns never) as the end of the path.
const commandLine: CommandLine = new CommandLine('predict', USAGE);

function parseCommandLine(argv: string[]): Options {
  const { values, positionals } = commandLine.parse(argv, {
    element: { type: 'string' },
    edge: { type: 'string' },
    format: { type: 'string', default: 'AUTO' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  } as const);
  if (positionals.length !== 1) commandLine.fail(positionals.length === 0 ? 'give one structure file' : `give one structure file, not ${positionals.length}`);
  const format = values.format.toUpperCase();
  if (!(STRUCTURE_FORMATS as readonly string[]).includes(format)) commandLine.fail(`--format ${values.format} is not one of ${STRUCTURE_FORMATS.join(', ')}`);
  return { file: positionals[0]!, element: values.element, edge: values.edge, format: format as StructureFormat, model: values.model, json: values.json };
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(6) : x.toExponential(4));

function printText(prediction: StructurePrediction, header: string[]): void {
  const lines = [...header.map((h) => `# ${h}`)];
  lines.push(`# ${prediction.sites.length} class(es) of equivalent ${prediction.absorbingElement} sites (site index: multiplicity, equivalent sites; 0-based):`);
  for (const site of prediction.sites) lines.push(`#   ${site.siteIndex}: ${site.multiplicity} (${site.equivalentSiteIndices.join(' ')})`);
  for (const warning of prediction.warnings) lines.push(`# warning: ${warning}`);
  lines.push('# site-averaged spectrum (multiplicity-weighted); std is one sigma');
  lines.push('# energy_eV mean std');
  prediction.energies.forEach((e, i) => lines.push(`${e.toFixed(3)} ${fmt(prediction.mean[i]!)} ${fmt(prediction.std[i]!)}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  const options = parseCommandLine(process.argv.slice(2));
  const config = loadConfig();
  // Logs go to stderr so that stdout holds only the spectrum; warnings (e.g. CUDA unavailable) and worse by default.
  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'xasgraph-predict' } }, destination(2));
  let text: string;
  try {
    text = fs.readFileSync(options.file, 'utf8');
  } catch (err) {
    commandLine.fail(`cannot read ${options.file}: ${(err as Error).message}`);
  }
  try {
    const structure = resolveStructureInput({ file: text, format: options.format });
    const found = readModelDir(config.MODELS_DIR);
    for (const err of found.rejected) log.error({ file: err.file }, `model refused: ${err.message}`);
    const elements = [...new Set(structure.species)].sort();
    const files = chooseModel(found.models, { model: options.model, absorbingElement: options.element, edge: options.edge, structureElements: elements });
    const model = await openModel(files, { executionProvider: config.ONNX_EXECUTION_PROVIDER, threads: config.ONNX_THREADS, log });
    const started = performance.now();
    const prediction = await predictStructure(model, { structure, element: options.element ?? files.sidecar.absorbingElement });
    const ms = performance.now() - started;
    await model.session.release();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...prediction, executionProvider: model.session.provider, milliseconds: Math.round(ms * 10) / 10 })}\n`);
    } else {
      const s = files.sidecar;
      printText(prediction, [
        `${options.file}: ${reducedFormula(compositionOfSpecies(structure.species))}, ${structure.species.length} sites${prediction.spacegroupNumber ? `, space group ${prediction.spacegroupNumber}` : ''}`,
        `model ${files.id}: ${s.absorbingElement} ${s.edge}-edge ${s.spectrumType} (${s.fidelity}-like), test η ${s.metrics.test.eta.toFixed(2)}; ONNX on ${model.session.provider}, ${ms.toFixed(1)} ms`,
      ]);
    }
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      console.error(`predict: ${err.message}`);
      return 2;
    }
    console.error(`predict failed: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

process.exit(await main());
