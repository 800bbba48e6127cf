// StructureInput.pymatgen: the pymatgen Structure dict as an object (what Material.structure.pymatgen gives), so
// that a notebook sends back what it received without json.dumps. Same parser as a pymatgen JSON file.
import { resolveStructureInput } from '../../src/structure/input.ts';
import { isMolecule, toPymatgenStructure } from '../../src/structure/structure.ts';
import { seedRecords } from '../support/seed.ts';
import { inputError, structureOfRecord } from '../support/structures.ts';

const cuo = structureOfRecord(seedRecords().find((r) => r.material_id === 'mp-704645')!);
const asOutput = toPymatgenStructure(cuo);

test('the object the output gives is read back as the same structure', () => {
  const parsed = resolveStructureInput({ pymatgen: asOutput });
  if (isMolecule(parsed)) throw new Error('expected a periodic structure');
  expect(parsed.species).toEqual(cuo.species);
  parsed.lattice.forEach((row, i) => row.forEach((x, k) => expect(x).toBeCloseTo(cuo.lattice[i]![k]!, 10)));
  parsed.fracCoords.forEach((row, i) => row.forEach((x, k) => expect(x).toBeCloseTo(cuo.fracCoords[i]![k]!, 10)));
});

test('the object and the same dict as a JSON file give the same structure', () => {
  expect(resolveStructureInput({ pymatgen: asOutput })).toEqual(resolveStructureInput({ file: JSON.stringify(asOutput) }));
  expect(resolveStructureInput({ pymatgen: asOutput, format: 'PYMATGEN_JSON' })).toEqual(resolveStructureInput({ pymatgen: asOutput }));
});

test('a JSON string given as pymatgen is read too', () => {
  expect(resolveStructureInput({ pymatgen: JSON.stringify(asOutput) })).toEqual(resolveStructureInput({ pymatgen: asOutput }));
});

test('pymatgen with a file or the arrays is refused, naming pymatgen', () => {
  const withFile = inputError(() => resolveStructureInput({ pymatgen: asOutput, file: JSON.stringify(asOutput) }));
  expect(withFile.field).toBe('pymatgen');
  expect(withFile.message).toMatch(/one of pymatgen, file or the arrays/);
  expect(inputError(() => resolveStructureInput({ pymatgen: asOutput, species: ['Cu'] })).field).toBe('pymatgen');
});

test('a format other than PYMATGEN_JSON with the object is refused', () => {
  const error = inputError(() => resolveStructureInput({ pymatgen: asOutput, format: 'CIF' }));
  expect(error.field).toBe('format');
  expect(error.message).toMatch(/does not apply to a pymatgen object/);
});

test('objects that are not a Structure say what they are', () => {
  expect(inputError(() => resolveStructureInput({ pymatgen: { '@class': 'Molecule', sites: [] } })).message).toMatch(/pymatgen Molecule, not a Structure/);
  const notDict = inputError(() => resolveStructureInput({ pymatgen: [1, 2, 3] }));
  expect(notDict.field).toBe('pymatgen');
  expect(notDict.message).toMatch(/expected "lattice" and "sites"/);
  expect(inputError(() => resolveStructureInput({ pymatgen: '{not json' })).message).toMatch(/not JSON/);
});

test('the object passes the same checks as any structure (atoms too close)', () => {
  const clash = toPymatgenStructure({ ...cuo, fracCoords: cuo.fracCoords.map((x, i) => (i === 1 ? cuo.fracCoords[0]! : x)) });
  expect(inputError(() => resolveStructureInput({ pymatgen: clash })).message).toMatch(/Å/);
});
