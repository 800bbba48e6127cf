// Space-group operations in the Jones-faithful form CIF files use (`-x+1/2, y, -z+1/2`, `x-y,x,z+1/3`,
// `1/2+X,-Y,Z`): the image of a fractional position (x, y, z). Convention of the CIF core dictionary items
// _symmetry_equiv_pos_as_xyz and _space_group_symop_operation_xyz (International Tables for Crystallography, Vol. A).
import type { Matrix3, Vector3 } from './structure.ts';

/** f' = R f + t, with R acting on the column (x, y, z): row k of R gives the coefficients of component k. */
export interface SymmetryOperation {
  rotation: Matrix3;
  translation: Vector3;
}

export const IDENTITY: SymmetryOperation = {
  rotation: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  translation: [0, 0, 0],
};

const AXIS: Record<string, number> = { x: 0, y: 1, z: 2 };
/** One signed term: an optional coefficient (`2`, `0.5`, `1/2`, `2*`) and a variable, or a constant. */
const TERM = /^([+-])((?:\d+\.?\d*|\.\d+)(?:\/(?:\d+\.?\d*|\.\d+))?)?\*?([xyz])?$/;

function parseCoefficient(text: string): number {
  const [numerator, denominator] = text.split('/');
  return denominator === undefined ? Number(numerator) : Number(numerator) / Number(denominator);
}

/**
 * Parse one operation, e.g. `-x+1/2, y, -z+1/2`. Throws an Error saying what is wrong; the caller adds
 * where it stands in the file.
 */
export function parseSymmetryOperation(text: string): SymmetryOperation {
  const components = text.replace(/\s+/g, '').toLowerCase().split(',');
  if (components.length !== 3) throw new Error(`"${text}" is not a symmetry operation: expected 3 comma-separated components like "-x+1/2, y, -z"`);
  const rotation = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const translation = [0, 0, 0];
  components.forEach((component, k) => {
    const signed = /^[+-]/.test(component) ? component : `+${component}`;
    const terms = signed.match(/[+-][^+-]*/g) ?? [];
    if (component.length === 0 || terms.join('') !== signed) throw new Error(`"${text}": component ${k + 1} "${component}" is empty or malformed`);
    for (const term of terms) {
      const match = TERM.exec(term);
      if (!match || (match[2] === undefined && match[3] === undefined)) throw new Error(`"${text}": cannot read "${term}" in component ${k + 1}`);
      const sign = match[1] === '-' ? -1 : 1;
      const value = sign * (match[2] === undefined ? 1 : parseCoefficient(match[2]));
      if (!Number.isFinite(value)) throw new Error(`"${text}": "${term}" is not a number`);
      if (match[3] === undefined) translation[k] = translation[k]! + value;
      else rotation[k]![AXIS[match[3]]!] = rotation[k]![AXIS[match[3]]!]! + value;
    }
  });
  return { rotation: rotation as Matrix3, translation: translation as Vector3 };
}

/** The image of a fractional position, not wrapped into the cell. */
export function applyOperation(op: SymmetryOperation, f: Vector3): Vector3 {
  const [r, t] = [op.rotation, op.translation];
  return [0, 1, 2].map((k) => r[k]![0] * f[0] + r[k]![1] * f[1] + r[k]![2] * f[2] + t[k]!) as Vector3;
}
