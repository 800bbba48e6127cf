// Which catalogue material (not a user's predicted structure) holds a given crystal structure: candidates share
// its reduced composition and number of sites (indexed columns), then src/structure/same-structure.ts compares.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { compositionKey, compositionOfSpecies } from '../structure/composition.ts';
import { sameStructure } from '../structure/same-structure.ts';
import { matrixFromFlat, type Structure, vectorsFromFlat } from '../structure/structure.ts';
import { materialOrigin } from './origin.ts';

/** For each structure, the id of a catalogue material with the same structure (the smallest id), or null. */
export async function catalogMaterialsWithStructures(prisma: PrismaClient, structures: readonly Structure[]): Promise<(string | null)[]> {
  if (structures.length === 0) return [];
  const keys = structures.map((s) => compositionKey(compositionOfSpecies(s.species)));
  const candidates = await prisma.material.findMany({
    where: { compositionKey: { in: [...new Set(keys)] }, nsites: { in: [...new Set(structures.map((s) => s.species.length))] } },
    select: { id: true, compositionKey: true, lattice: true, species: true, fracCoords: true },
    orderBy: { id: 'asc' },
  });
  const catalogue = candidates
    .filter((m) => materialOrigin(m.id) !== 'USER_PREDICTION' && m.lattice.length === 9)
    .map((m) => ({ id: m.id, key: m.compositionKey, structure: { lattice: matrixFromFlat(m.lattice), species: m.species, fracCoords: vectorsFromFlat(m.fracCoords) } }));
  return structures.map((structure, i) => catalogue.find((m) => m.key === keys[i] && sameStructure(structure, m.structure))?.id ?? null);
}
