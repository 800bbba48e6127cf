// pymatgen `XAS` spectrum JSON (MSONable `as_dict`): x (eV), y (μ), absorbing_element as a string or an
// MSON Element dict (legacy key `absorption_element`), edge, spectrum_type, absorbing_index.
// Source: materialsproject/pymatgen src/pymatgen/analysis/xas/spectrum.py; emmet TypedXASSpectrumDict.
import { InputError } from '../../errors.ts';
import type { RawSpectrum } from './types.ts';

function numberArray(value: unknown, key: string): number[] {
  if (!Array.isArray(value)) throw new InputError(`pymatgen XAS JSON: "${key}" must be an array of numbers`);
  return value.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`pymatgen XAS JSON: "${key}" value ${i + 1} (${JSON.stringify(v)}) is not a finite number`);
    }
    return v;
  });
}

function elementOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const el = (value as Record<string, unknown>)['element'] ?? (value as Record<string, unknown>)['symbol'];
    if (typeof el === 'string') return el;
  }
  return null;
}

/** Codes whose name in a document marks its spectrum as computed. */
const COMPUTING_CODES = ['FEFF', 'VASP', 'OCEAN', 'EXCITING', 'XSPECTRA'];

/** The code a document says computed it (`method`, `calc_type`, `task_type` of it or of its `spectrum`), or null. */
function computedBy(docs: Record<string, unknown>[]): string | null {
  for (const d of docs) {
    for (const key of ['method', 'calc_type', 'task_type', 'spectrum_method']) {
      const v = d[key];
      if (typeof v !== 'string') continue;
      const code = COMPUTING_CODES.find((c) => v.toUpperCase().includes(c));
      if (code) return code;
    }
  }
  return null;
}

/** Parses pymatgen XAS JSON (also an MP document holding it under `spectrum`). */
export function parsePymatgenXas(text: string): RawSpectrum {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`the file is not valid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('pymatgen XAS JSON must be an object with "x" and "y"');
  let d = doc as Record<string, unknown>;
  const inner = d['spectrum'];
  if (d['x'] === undefined && inner && typeof inner === 'object' && !Array.isArray(inner)) d = inner as Record<string, unknown>;
  if (d['x'] === undefined || d['y'] === undefined) throw new InputError('pymatgen XAS JSON must have "x" (energies, eV) and "y" (mu) arrays');
  const warnings: string[] = [];
  const cls = d['@class'];
  if (typeof cls === 'string' && cls !== 'XAS') warnings.push(`the JSON's @class is "${cls}", not "XAS"; read its x and y anyway`);
  const energies = numberArray(d['x'], 'x');
  const mu = numberArray(d['y'], 'y');
  if (energies.length !== mu.length) throw new InputError(`pymatgen XAS JSON: "x" has ${energies.length} values but "y" has ${mu.length}`);
  const code = computedBy([doc as Record<string, unknown>, d]);
  const legacy = d['absorbing_element'] === undefined && d['absorption_element'] !== undefined;
  const element = elementOf(d['absorbing_element'] ?? d['absorption_element']);
  if (legacy) warnings.push('read the absorbing element from the legacy key "absorption_element"');
  // pymatgen XAS.__init__ warns when more than 5 % of intensities are negative.
  const negative = mu.filter((v) => v < 0).length;
  if (negative > 0.05 * mu.length) warnings.push(`${negative} of ${mu.length} mu values are negative (more than 5 %)`);
  const structure = d['structure'];
  const spectrumType = d['spectrum_type'];
  const absorbingIndex = d['absorbing_index'];
  return {
    energies,
    mu,
    element,
    edge: typeof d['edge'] === 'string' ? d['edge'] : null,
    energyUnitDeclared: true,
    warnings,
    metadata: {
      spectrumType: typeof spectrumType === 'string' ? spectrumType : 'XANES',
      absorbingIndex: typeof absorbingIndex === 'number' ? absorbingIndex : null,
      hasStructure: structure !== undefined && structure !== null,
      computedBy: code,
      ...(typeof (doc as Record<string, unknown>)['spectrum_id'] === 'string'
        ? { spectrumId: (doc as Record<string, unknown>)['spectrum_id'] as string }
        : {}),
    },
  };
}
