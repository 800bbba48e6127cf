// Checks shared by the options of fitMixture and decomposeSeries: each a BAD_USER_INPUT saying what to fix.
import { InputError } from '../errors.ts';

/** An energy range relative to the input's E0, eV (GraphQL EnergyRange). */
export interface EnergyRange {
  from: number;
  to: number;
}

/** `value` (options.`name`) if it is a whole number from `min` to `max`; `fallback` when it is not given. */
export function checkedInteger<F extends number | null>(value: number | null | undefined, fallback: F, min: number, max: number, name: string): number | F {
  if (value == null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${name} must be a whole number from ${min} to ${max} (got ${value})`, `options.${name}`);
  return value;
}

/** `range` (or `fallback` when not given) if it spans at least 10 eV with from < to. */
export function checkedRange(range: EnergyRange | null | undefined, fallback: EnergyRange): EnergyRange {
  const r = range ?? fallback;
  if (!Number.isFinite(r.from) || !Number.isFinite(r.to) || r.to - r.from < 10) {
    throw new InputError(
      `range must span at least 10 eV with from < to, relative to E0 (got ${r.from}…${r.to}); e.g. {from: ${fallback.from}, to: ${fallback.to}}`,
      'options.range',
    );
  }
  return r;
}
