// Absorbing element and edge of a parsed spectrum: from the file, else the input, else inferred from the
// edge energy (with a warning); keV detection for files that do not declare units; edge-in-range check.
import { InputError } from '../../errors.ts';
import { edgeEnergy, guessEdge, normalizeEdge, normalizeElement, roughE0, GUESS_EDGES } from './edges.ts';

/** How far (eV) the tabulated edge may lie outside the data range before the declaration is refused. */
export const EDGE_RANGE_TOLERANCE_EV = 100;
/** Below this maximum energy (eV) a file without declared units is suspected to be in keV. */
const KEV_SUSPECT_MAX = 150;

export interface Resolved {
  energies: number[];
  absorbingElement: string | null;
  edge: string | null;
  warnings: string[];
}

function checkedInput(value: string | undefined, field: 'absorbingElement' | 'edge'): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const ok = field === 'absorbingElement' ? normalizeElement(value) : normalizeEdge(value);
  if (!ok) {
    throw new InputError(
      field === 'absorbingElement'
        ? `absorbingElement "${value}" is not an element symbol (H to Cf)`
        : `edge "${value}" is not an edge name (K, L1, L2, L3, M1..M5, N1..N7, O1..O7)`,
      field,
    );
  }
  return ok;
}

/** Picks element and edge, converts keV when evident, and refuses a declared edge outside the data. */
export function resolveElementEdge(
  sorted: { energies: number[]; mu: number[] },
  fromFile: { element: string | null; edge: string | null; energyUnitDeclared: boolean },
  input: { absorbingElement?: string; edge?: string },
): Resolved {
  const warnings: string[] = [];
  const inElement = checkedInput(input.absorbingElement, 'absorbingElement');
  const inEdge = checkedInput(input.edge, 'edge');
  const fileElement = fromFile.element ? normalizeElement(fromFile.element) : null;
  const fileEdge = fromFile.edge ? normalizeEdge(fromFile.edge) : null;
  if (fromFile.element && !fileElement) warnings.push(`ignored the file's element "${fromFile.element}": not an element symbol`);
  if (fromFile.edge && !fileEdge) warnings.push(`ignored the file's edge "${fromFile.edge}": not a specific edge name`);
  if (fileElement && inElement && fileElement !== inElement) {
    warnings.push(`the file says the absorbing element is ${fileElement} but the input says ${inElement}; used the file's ${fileElement}`);
  }
  if (fileEdge && inEdge && fileEdge !== inEdge) warnings.push(`the file says the edge is ${fileEdge} but the input says ${inEdge}; used the file's ${fileEdge}`);
  let element = fileElement ?? inElement;
  let edge = fileEdge ?? inEdge;

  let energies = sorted.energies;
  const max = energies[energies.length - 1]!;
  if (!fromFile.energyUnitDeclared && max < KEV_SUSPECT_MAX) {
    const tab = element ? edgeEnergy(element, edge ?? 'K') : null;
    const fits = tab !== null ? tab / 1000 >= energies[0]! - 0.05 && tab / 1000 <= max + 0.05 : energies[0]! >= 1;
    if (fits) {
      energies = energies.map((e) => e * 1000);
      warnings.push(`energies look like keV (largest ${max}); converted to eV`);
    }
  }

  if (!element || !edge) {
    const e0 = roughE0(energies, sorted.mu);
    if (element) {
      const own = GUESS_EDGES.map((ed) => ({ ed, en: edgeEnergy(element!, ed) })).filter(
        (x): x is { ed: (typeof GUESS_EDGES)[number]; en: number } => x.en !== null,
      );
      if (own.length > 0) {
        const best = own.reduce((a, b) => (Math.abs(b.en - e0) < Math.abs(a.en - e0) ? b : a));
        edge = best.ed;
        warnings.push(`edge not given; inferred ${element} ${edge} (${best.en} eV, XrayDB) from the edge energy ≈ ${e0} eV — pass edge to override`);
      }
    } else {
      const guess = guessEdge(e0, edge ? [edge] : GUESS_EDGES);
      if (guess) {
        element = guess.element;
        edge = guess.edge;
        warnings.push(`absorbing element not given; inferred ${element} ${edge} (${guess.energy} eV, XrayDB) from the edge energy ≈ ${e0} eV — pass absorbingElement and edge to override`);
      }
    }
  }
  if (element && edge) {
    const tab = edgeEnergy(element, edge);
    const lo = energies[0]!;
    const hi = energies[energies.length - 1]!;
    if (tab !== null && (tab < lo - EDGE_RANGE_TOLERANCE_EV || tab > hi + EDGE_RANGE_TOLERANCE_EV)) {
      if (!fileEdge && !inEdge) {
        const list = GUESS_EDGES.map((ed) => [ed, edgeEnergy(element!, ed)] as const).filter(([, en]) => en !== null);
        throw new InputError(
          `the energy range of the data (${lo}–${hi} eV) contains no ${element} edge (${list.map(([ed, en]) => `${ed} ${en} eV`).join(', ')}); check the element and the energy units`,
          fileElement ? 'file' : 'absorbingElement',
        );
      }
      throw new InputError(
        `the ${element} ${edge} edge (${tab} eV) is outside the energy range of the data (${lo}–${hi} eV); check the element, the edge and the energy units`,
        fileElement ? 'file' : 'absorbingElement',
      );
    }
  }
  return { energies, absorbingElement: element, edge, warnings };
}
