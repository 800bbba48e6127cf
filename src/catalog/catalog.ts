// Reads of the catalogue: single records and filtered, paginated lists (Prisma).
import type { PrismaClient } from '../generated/prisma/client.ts';
import { type MaterialFilter, type SpectrumFilter, materialWhere, spectrumWhere } from './filters.ts';
import { decodeCursor, pageSize, toPage } from './pagination.ts';

export type { MaterialFilter, SpectrumFilter };

export interface ListArgs<F> {
  filter?: F | null;
  first?: number | null;
  after?: string | null;
}

export async function listMaterials(prisma: PrismaClient, args: ListArgs<MaterialFilter>) {
  const size = pageSize(args.first);
  const where = materialWhere(args.filter);
  const after = args.after == null ? undefined : decodeCursor('material', args.after);
  const [rows, totalCount] = await Promise.all([
    prisma.material.findMany({ where: after ? { AND: [where, { id: { gt: after } }] } : where, orderBy: { id: 'asc' }, take: size + 1 }),
    prisma.material.count({ where }),
  ]);
  return toPage('material', rows, size, totalCount);
}

export async function listSpectra(prisma: PrismaClient, args: ListArgs<SpectrumFilter>) {
  const size = pageSize(args.first);
  const where = spectrumWhere(args.filter);
  const after = args.after == null ? undefined : decodeCursor('spectrum', args.after);
  const [rows, totalCount] = await Promise.all([
    prisma.spectrum.findMany({ where: after ? { AND: [where, { id: { gt: after } }] } : where, orderBy: { id: 'asc' }, take: size + 1 }),
    prisma.spectrum.count({ where }),
  ]);
  return toPage('spectrum', rows, size, totalCount);
}
