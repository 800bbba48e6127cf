// Symmetry-equivalent sites (moyo) against spglib on real structures: the seed catalogue's Cu classes
// (spglib 2.0.2, symprec 0.1: absorbing_sites[].equivalent_site_indices and cu_unique_site_indices), and
// spglib's equivalent_atoms for the Lightshow POSCARs and the CIF fixtures (expected.json).
import { parseCif } from '../../src/structure/cif.ts';
import { parsePoscar } from '../../src/structure/poscar.ts';
import { primitiveReduction } from '../../src/structure/primitive.ts';
import { latticeParameters, type Structure, type Vector3 } from '../../src/structure/structure.ts';
import { absorbingSiteClasses, equivalentSites } from '../../src/structure/symmetry.ts';
import { parseXyz } from '../../src/structure/xyz.ts';
import { seedRecords } from '../support/seed.ts';
import { expected, type ExpectedPeriodic, partition, readFixture, readRepoFile, structureOfRecord } from '../support/structures.ts';

/** Do moyo's Cu classes (symprec 0.1) equal the seed's spglib classes for this record? */
function agreesWithSeed(record: any): boolean {
  const { classes } = absorbingSiteClasses(structureOfRecord(record), 'Cu', 0.1);
  if (JSON.stringify(classes.map((c) => c.siteIndex)) !== JSON.stringify(record.cu_unique_site_indices)) return false;
  return record.absorbing_sites.every((site: any) => {
    const found = classes.find((c) => c.equivalentSiteIndices.includes(site.site_index));
    return found !== undefined && found.multiplicity === site.multiplicity && JSON.stringify(found.equivalentSiteIndices) === JSON.stringify(site.equivalent_site_indices);
  });
}

describe('moyo agrees with the seed’s spglib classes', () => {
  // Measured: 2,681 of 2,697 agree. The 16 that do not (moyo and spglib apply symprec 0.1 differently on
  // near-symmetric cells; 15 of them get another space group): mp-1181801, mp-1193268, mp-1211392,
  // mp-1278182, mp-1290054, mp-645206, mp-752890, mp-756095, mp-757077, mp-761193, mp-761867, mp-849448,
  // mvc-1872, mvc-297, mvc-5787, mvc-8337. The test recomputes the list and names it if it grows.
  test('on at least 99 % of the 2,697 seed structures (Cu classes and multiplicities)', () => {
    const records = seedRecords();
    const disagreeing = records.filter((r) => !agreesWithSeed(r)).map((r) => r.material_id);
    expect(records).toHaveLength(2697);
    if (records.length - disagreeing.length < 0.99 * records.length) {
      throw new Error(`moyo disagrees with spglib on ${disagreeing.length} of ${records.length} (more than 1 %): ${disagreeing.join(', ')}`);
    }
  });

  test('a seed example: mp-1005792 (Sm2CuAs3O), classes with multiplicities as the seed lists them', () => {
    const record = seedRecords().find((r) => r.material_id === 'mp-1005792')!;
    const result = absorbingSiteClasses(structureOfRecord(record), 'Cu');
    expect(result.spacegroupNumber).toBe(record.spacegroup_number);
    expect(result.symprec).toBe(0.1);
    expect(result.warning).toBeNull();
    expect(result.classes.map((c) => [c.siteIndex, c.multiplicity, c.equivalentSiteIndices])).toEqual(
      record.absorbing_sites.map((s: any) => [s.site_index, s.multiplicity, s.equivalent_site_indices]),
    );
  });
});

/** The n0 × n1 × n2 supercell, sites ordered cell by cell (site s of cell c is c·N + s). */
function supercell(structure: Structure, [n0, n1, n2]: Vector3): Structure {
  const species: string[] = [];
  const fracCoords: Vector3[] = [];
  for (let i = 0; i < n0; i++) for (let j = 0; j < n1; j++) for (let k = 0; k < n2; k++) {
    structure.fracCoords.forEach((f, s) => {
      species.push(structure.species[s]!);
      fracCoords.push([(f[0] + i) / n0, (f[1] + j) / n1, (f[2] + k) / n2]);
    });
  }
  const lattice = structure.lattice.map((row, r) => row.map((x) => x * [n0, n1, n2][r]!)) as Structure['lattice'];
  return { lattice, species, fracCoords };
}

describe('supercells are analysed as their primitive cell (moyo is slow on supercells)', () => {
  test('a 2 × 1 × 1 supercell of seed mp-1005792: each seed Cu class, twice', () => {
    const record = seedRecords().find((r) => r.material_id === 'mp-1005792')!;
    const n = record.sites.length;
    const result = absorbingSiteClasses(supercell(structureOfRecord(record), [2, 1, 1]), 'Cu');
    expect(result.spacegroupNumber).toBe(record.spacegroup_number);
    expect(result.classes.map((c) => c.equivalentSiteIndices)).toEqual(
      record.absorbing_sites.map((s: any) => [...s.equivalent_site_indices, ...s.equivalent_site_indices.map((i: number) => i + n)]),
    );
  });

  test('the primitive cell of a 3 × 3 × 3 supercell of seed CuO has the seed cell’s volume and atoms', () => {
    const cuo = structureOfRecord(seedRecords().find((r) => r.material_id === 'mp-704645'));
    const reduction = primitiveReduction(supercell(cuo, [3, 3, 3]), 0.1);
    expect(reduction.translations).toBe(27);
    expect(reduction.primitive.species.slice().sort()).toEqual(['Cu', 'Cu', 'O', 'O']);
    expect(latticeParameters(reduction.primitive.lattice).volume).toBeCloseTo(latticeParameters(cuo.lattice).volume, 9);
    expect(new Set(reduction.primitiveSiteOf).size).toBe(4);
  });

  test('a 2,016-atom supercell (9 × 8 × 7 of seed CuO) takes well under seconds, not minutes', () => {
    const cuo = structureOfRecord(seedRecords().find((r) => r.material_id === 'mp-704645'));
    const started = Date.now();
    const equivalence = equivalentSites(supercell(cuo, [9, 8, 7]));
    expect(Date.now() - started).toBeLessThan(5000); // about 0.5 s here; moyo on the whole cell took 208 s
    expect(equivalence.spacegroupNumber).toBe(15);
    expect(new Set(equivalence.orbits)).toEqual(new Set([0, 2])); // all Cu with site 0, all O with site 2
  });
});

describe('moyo agrees with spglib on the structure fixtures', () => {
  const lightshow = Object.entries(expected.poscar).filter(([key]) => key.startsWith('seed/misc/lightshow'));
  test.each(lightshow)('%s', (key, reference) => {
    const equivalence = equivalentSites(parsePoscar(readRepoFile(key)));
    expect(equivalence.spacegroupNumber).toBe(reference.spglibSpacegroupNumber);
    expect(partition(equivalence.orbits)).toEqual(partition(reference.spglibEquivalentAtoms));
  });

  const cifs = Object.entries(expected.cif).filter((entry): entry is [string, ExpectedPeriodic] => !('disordered' in entry[1]));
  // β-Ga (COD 9011089) is C2/c with β = 92.02°: spglib at symprec 0.1 takes the cell as orthorhombic (Cmcm,
  // 63), moyo keeps the file's monoclinic C2/c (15); both put the 4 Ga atoms in one orbit.
  const moyoSpaceGroup: Record<string, number> = { 'cod-9011089-Ga-C2c.cif': 15 };
  test.each(cifs)('%s: space group and orbit sizes', (name, reference) => {
    // Our expanded cell lists sites in another order than pymatgen's, so compare the orbit sizes.
    const equivalence = equivalentSites(parseCif(readFixture('cif', name)));
    const sizes = (labels: number[]) => partition(labels).map((c) => c.length).sort((a, b) => a - b);
    expect(equivalence.spacegroupNumber).toBe(moyoSpaceGroup[name] ?? reference.spglibSpacegroupNumber);
    expect(sizes(equivalence.orbits)).toEqual(sizes(reference.spglibEquivalentAtoms));
  });
});

describe('when symmetry is not found', () => {
  test('a tolerance that fails is retried smaller (seed mp-1214451 fails at symprec 0.5, works at 0.01)', () => {
    const record = seedRecords().find((r) => r.material_id === 'mp-1214451')!;
    const equivalence = equivalentSites(structureOfRecord(record), { symprec: 0.5 });
    expect(equivalence.symprec).toBe(0.01);
    expect(equivalence.warning).toBeNull();
  });

  test('moyo failing at every tolerance: every site its own class, with a warning', () => {
    // Seed Cu2O with an O atom put on top of a Cu (a duplicated-atom mistake; input checks refuse it, but
    // symmetry must not throw on it).
    const cu2o = structureOfRecord(seedRecords().find((r) => r.material_id === 'mp-361'));
    const cuIndex = cu2o.species.indexOf('Cu');
    const broken = { ...cu2o, species: [...cu2o.species, 'O'], fracCoords: [...cu2o.fracCoords, cu2o.fracCoords[cuIndex]!] };
    const result = absorbingSiteClasses(broken, 'Cu');
    expect(result.spacegroupNumber).toBeNull();
    expect(result.symprec).toBeNull();
    expect(result.warning).toMatch(/^symmetry was not found \(moyo failed at symprec 0\.1: .*symprec 0\.01: .*symprec 0\.001: .*\); every site is treated as its own class \(multiplicity 1\)$/);
    expect(result.classes).toEqual(
      cu2o.species.flatMap((s, i) => (s === 'Cu' ? [{ siteIndex: i, multiplicity: 1, equivalentSiteIndices: [i] }] : [])),
    );
  });

  test('a molecule: every absorber its own class, no symmetry reduction', () => {
    const result = absorbingSiteClasses(parseXyz(readFixture('xyz', 'benzene1.xyz')), 'C');
    expect(result).toEqual({
      classes: [1, 3, 5, 7, 9, 10].map((i) => ({ siteIndex: i, multiplicity: 1, equivalentSiteIndices: [i] })),
      spacegroupNumber: null,
      symprec: null,
      warning: null,
    });
  });

  test('an element not in the structure: no classes', () => {
    const record = seedRecords().find((r) => r.material_id === 'mp-361')!;
    expect(absorbingSiteClasses(structureOfRecord(record), 'Fe').classes).toEqual([]);
  });
});
