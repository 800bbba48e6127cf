// μ(E) from named data columns: a μ column if there is one, else from raw detector channels —
// transmission ln(i0/itrans), fluorescence ifluor/i0 (XDI 1.0 dictionary, "Defined column labels").
import { InputError } from '../../errors.ts';

/** Column names (lower case) that already hold μ(E), most preferred first. */
const MU_NAMES = ['mutrans', 'mufluor', 'mu', 'xmu', 'mu(e)', 'mu_e', 'mutey', 'normtrans', 'normfluor', 'norm', 'flat'];

export interface MuChoice {
  mu: number[];
  /** How μ was obtained, e.g. `mutrans`, `ln(i0/itrans)`, `ifluor/i0`. */
  source: string;
  warnings: string[];
}

/** μ from `columns` (name → values, names lower case), or null when no known column or channel pair exists. */
export function muFromChannels(columns: ReadonlyMap<string, readonly number[]>): MuChoice | null {
  const warnings: string[] = [];
  for (const name of MU_NAMES) {
    const values = columns.get(name);
    if (!values) continue;
    const others = MU_NAMES.filter((n) => n !== name && columns.has(n));
    if (others.length > 0) warnings.push(`the file has several mu columns (${[name, ...others].join(', ')}); used ${name}`);
    return { mu: [...values], source: name, warnings };
  }
  const i0 = columns.get('i0');
  const itrans = columns.get('itrans') ?? columns.get('i1') ?? columns.get('it');
  const ifluor = columns.get('ifluor') ?? columns.get('if');
  if (i0 && itrans) {
    if (ifluor) warnings.push('the file has transmission and fluorescence channels; used transmission ln(i0/itrans)');
    const mu = i0.map((a, i) => {
      const b = itrans[i]!;
      if (!(a > 0) || !(b > 0)) {
        throw new InputError(`cannot compute transmission mu = ln(i0/itrans) at point ${i + 1}: i0 = ${a}, itrans = ${b} (both must be positive)`);
      }
      return Math.log(a / b);
    });
    return { mu, source: 'ln(i0/itrans)', warnings };
  }
  if (i0 && ifluor) {
    const mu = i0.map((a, i) => {
      if (a === 0) throw new InputError(`cannot compute fluorescence mu = ifluor/i0 at point ${i + 1}: i0 is 0`);
      return ifluor[i]! / a;
    });
    return { mu, source: 'ifluor/i0', warnings };
  }
  const murefer = columns.get('murefer');
  if (murefer) {
    warnings.push('the file has only the reference channel; used murefer (the reference foil, not the sample)');
    return { mu: [...murefer], source: 'murefer', warnings };
  }
  return null;
}

/** The column `name` (case-insensitive) as μ, for files of several spectra (e.g. Demeter's multicolumn output). */
export function namedColumn(columns: ReadonlyMap<string, readonly number[]>, name: string): { mu: number[]; source: string; warnings: string[] } {
  const wanted = name.trim().toLowerCase();
  const values = columns.get(wanted);
  if (!values) throw new InputError(`the file has no column "${name}"; its columns are ${[...columns.keys()].join(', ')}`, 'column');
  return { mu: [...values], source: wanted, warnings: [] };
}
