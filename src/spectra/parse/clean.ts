// Input hygiene for a spectrum's arrays: finite values, positive energies, sorted, exact duplicates merged
// (src/spectra/order.ts), enough points.
import { InputError } from '../../errors.ts';
import { sortAndMergeByEnergy } from '../order.ts';

/** Fewer points than this cannot be normalised or matched (issue 3, "Bad input"). */
export const MIN_POINTS = 20;
/** Above this the numbers are not X-ray absorption energies in eV. */
export const MAX_ENERGY_EV = 150_000;

export interface CleanSpectrum {
  energies: number[];
  mu: number[];
  warnings: string[];
}

/** Checks and tidies `energies`/`mu`; throws `InputError` saying what to fix. Points are numbered from 1. */
export function cleanSpectrum(energies: readonly number[], mu: readonly number[], minPoints = MIN_POINTS): CleanSpectrum {
  if (energies.length !== mu.length) {
    throw new InputError(`energies and mu must have the same length; got ${energies.length} energies and ${mu.length} mu values`);
  }
  for (let i = 0; i < energies.length; i++) {
    const e = energies[i]!;
    if (!Number.isFinite(e)) throw new InputError(`energy must be a finite number; found ${e} at point ${i + 1}`);
    if (!(e > 0)) throw new InputError(`energy must be positive; found ${e} at point ${i + 1} (energies are absolute, in eV)`);
    if (e > MAX_ENERGY_EV) throw new InputError(`energy must be at most ${MAX_ENERGY_EV} eV; found ${e} at point ${i + 1} (give energies in eV)`);
    const m = mu[i]!;
    if (!Number.isFinite(m)) throw new InputError(`mu must be a finite number; found ${m} at point ${i + 1}`);
  }
  const { energies: outE, mu: outMu, warnings } = sortAndMergeByEnergy(energies, mu);
  if (outE.length < minPoints) {
    throw new InputError(`a spectrum needs at least ${minPoints} distinct energies; found ${outE.length}`);
  }
  return { energies: outE, mu: outMu, warnings };
}
