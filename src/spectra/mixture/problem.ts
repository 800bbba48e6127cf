// The inputs of a linear-combination fit, checked and put in the form the fitters use: the spectrum's own points
// inside the fit range (the fit grid, as Larch fits on the data's energies), and each reference as a cubic spline on
// its own axis. Every check a user can fail throws InputError saying what to fix.
import { InputError } from '../../errors.ts';
import { naturalCubicSpline, type CubicSpline } from './spline.ts';

/** A normalised spectrum: energies (eV, increasing) and normalised μ. */
export interface MixtureSpectrum {
  energies: readonly number[];
  mu: readonly number[];
}

/** A reference (a standard) as a fit uses it: its id and its normalised μ on its own energy axis. */
export interface MixtureReference extends MixtureSpectrum {
  id: string;
}

/** A fit needs at least this many points of the spectrum inside its range. */
export const MIN_FIT_POINTS = 10;

/** The checked inputs: the fit grid and data, and one spline per reference. */
export interface PreparedMixture {
  /** The spectrum's energies inside the range, eV. */
  energies: Float64Array;
  /** The spectrum's μ at those energies. */
  data: Float64Array;
  /** Σ data² (the R-factor's denominator). */
  dataSumSquares: number;
  references: { id: string; spline: CubicSpline; first: number; last: number }[];
}

/** Throws InputError unless energies and μ are finite, of one length, and the energies strictly increase. */
function checkSpectrum(label: string, field: string, s: MixtureSpectrum): void {
  if (s.energies.length !== s.mu.length) {
    throw new InputError(`${label} has ${s.energies.length} energies but ${s.mu.length} values of mu: give one mu per energy`, field);
  }
  if (s.energies.length < 2) throw new InputError(`${label} has ${s.energies.length} point(s): give a spectrum`, field);
  for (let i = 0; i < s.energies.length; i++) {
    if (!Number.isFinite(s.energies[i]) || !Number.isFinite(s.mu[i])) {
      throw new InputError(`${label} has a value that is not a finite number at point ${i}: remove it`, field);
    }
    if (i > 0 && !(s.energies[i]! > s.energies[i - 1]!)) {
      throw new InputError(`${label}: energy must increase; found ${s.energies[i]} after ${s.energies[i - 1]} at point ${i}`, field);
    }
  }
}

/** Throws InputError unless `range` is two finite energies, the first below the second. */
export function checkRange(range: readonly [number, number] | undefined): readonly [number, number] {
  if (!range || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1])) {
    throw new InputError(`range must be [emin, emax] in eV with emin < emax; got ${JSON.stringify(range)}`, 'range');
  }
  return range;
}

/**
 * Checks the spectrum, the range and the references and prepares them (see the module comment). References must cover
 * the fit grid; a shifted reference read beyond its data is held at its end value.
 */
export function prepareMixture(spectrum: MixtureSpectrum, references: readonly MixtureReference[], range: readonly [number, number]): PreparedMixture {
  const [emin, emax] = checkRange(range);
  checkSpectrum('the spectrum', 'spectrum', spectrum);
  if (references.length === 0) throw new InputError('no references given: give at least one reference to fit with', 'references');
  const seen = new Set<string>();
  for (const r of references) {
    if (seen.has(r.id)) throw new InputError(`reference "${r.id}" is given twice: give each reference once`, 'references');
    seen.add(r.id);
    checkSpectrum(`reference "${r.id}"`, 'references', r);
  }
  const inside: number[] = [];
  spectrum.energies.forEach((e, i) => {
    if (e >= emin && e <= emax) inside.push(i);
  });
  if (inside.length < MIN_FIT_POINTS) {
    const e = spectrum.energies;
    throw new InputError(
      `the range ${emin}–${emax} eV holds ${inside.length} point(s) of the spectrum (which spans ${e[0]}–${e[e.length - 1]} eV); ` +
        `a fit needs at least ${MIN_FIT_POINTS}: widen range or move it onto the data`,
      'range',
    );
  }
  const energies = Float64Array.from(inside, (i) => spectrum.energies[i]!);
  const data = Float64Array.from(inside, (i) => spectrum.mu[i]!);
  const first = energies[0]!;
  const last = energies[energies.length - 1]!;
  let dataSumSquares = 0;
  for (const v of data) dataSumSquares += v * v;
  if (!(dataSumSquares > 0)) throw new InputError(`the spectrum is zero everywhere in ${emin}–${emax} eV: is it normalised, and is the range at its edge?`, 'spectrum');
  const prepared = references.map((r) => {
    const rFirst = r.energies[0]!;
    const rLast = r.energies[r.energies.length - 1]!;
    if (rFirst > first || rLast < last) {
      throw new InputError(
        `reference "${r.id}" covers ${rFirst}–${rLast} eV but the fit needs ${first}–${last} eV: narrow range or leave the reference out`,
        'references',
      );
    }
    return { id: r.id, spline: naturalCubicSpline(r.energies, r.mu), first: rFirst, last: rLast };
  });
  return { energies, data, dataSumSquares, references: prepared };
}
