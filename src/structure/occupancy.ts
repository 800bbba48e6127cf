// Ordered structures only: every site holds one element with occupancy 1. Spectra of disordered
// (partially occupied) structures need an ordered model first, which is the user's choice to make.
// One tolerance and one message for every input form (CIF, pymatgen JSON).

/** Occupancies within this of 1 count as full (files write 1, 1.0, 0.9999 or 1.0(0)). */
export const OCCUPANCY_TOLERANCE = 1e-3;

export const isFullOccupancy = (occupancy: number) => Math.abs(occupancy - 1) < OCCUPANCY_TOLERANCE;

/**
 * The message for a partially occupied site. `site` names it (`atom site Al1`, `structure.sites[0]`),
 * `occupants` lists element and occupancy (`Al 0.941`, `Ga 0.5, Al 0.5`).
 */
export function partialOccupancyMessage(site: string, occupants: string): string {
  return (
    `${site} is partially occupied (${occupants}): disordered structures are not supported; give an ordered ` +
    `structure (one element per site, occupancy 1), e.g. an ordered supercell from pymatgen's OrderDisorderedStructureTransformation`
  );
}
