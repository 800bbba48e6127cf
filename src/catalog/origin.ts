// Where a material comes from, read off its id: `hyp-…` is a structure a user submitted for prediction, `exp-…` a
// measured reference compound, anything else the catalogue's computed structures (Materials Project, ingested).
// The `materials` list leaves users' predictions out unless asked (MaterialFilter.origins).
import { InputError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { HYPOTHETICAL_MATERIAL_PREFIX } from '../structure/canonical.ts';
import type { Method } from './records.ts';
import { MEASURED_MATERIAL_PREFIX } from './measured-rows.ts';

/** GraphQL MaterialOrigin. */
export type MaterialOrigin = 'CATALOG' | 'MEASURED' | 'USER_PREDICTION';

/** What `materials` lists when the filter names no origin (and no ML_PREDICTED method). */
export const DEFAULT_LISTED_ORIGINS: readonly MaterialOrigin[] = ['CATALOG', 'MEASURED'];

/** The origin of the material with this id. */
export function materialOrigin(id: string): MaterialOrigin {
  if (id.startsWith(HYPOTHETICAL_MATERIAL_PREFIX)) return 'USER_PREDICTION';
  if (id.startsWith(MEASURED_MATERIAL_PREFIX)) return 'MEASURED';
  return 'CATALOG';
}

const USER_PREDICTION_IDS: Prisma.MaterialWhereInput = { id: { startsWith: HYPOTHETICAL_MATERIAL_PREFIX } };
const MEASURED_IDS: Prisma.MaterialWhereInput = { id: { startsWith: MEASURED_MATERIAL_PREFIX } };

const ORIGIN_WHERE: Record<MaterialOrigin, Prisma.MaterialWhereInput> = {
  USER_PREDICTION: USER_PREDICTION_IDS,
  MEASURED: MEASURED_IDS,
  CATALOG: { NOT: { OR: [USER_PREDICTION_IDS, MEASURED_IDS] } },
};

const ALL_ORIGINS = Object.keys(ORIGIN_WHERE) as MaterialOrigin[];

/**
 * The condition for materials of `origins` (the filter field `field`); null when every origin is allowed. Without
 * `origins`, the default: every origin but USER_PREDICTION, unless the filter asks for ML_PREDICTED spectra (only
 * predictions have them). An empty list is a BAD_USER_INPUT.
 */
export function originCondition(
  origins: readonly MaterialOrigin[] | null | undefined,
  method: Method | null | undefined,
  field = 'filter.origins',
): Prisma.MaterialWhereInput | null {
  if (origins?.length === 0) throw new InputError(`${field}: give at least one of ${ALL_ORIGINS.join(', ')}, or leave it out`, field);
  const wanted = new Set(origins ?? (method === 'ML_PREDICTED' ? ALL_ORIGINS : DEFAULT_LISTED_ORIGINS));
  if (wanted.size === ALL_ORIGINS.length) return null;
  return { OR: [...wanted].map((origin) => ORIGIN_WHERE[origin]) };
}
