// Points of a spectrum in energy order, one point per energy: Larch sorts by energy first
// (xraylarch larch/xafs/pre_edge.py); exact duplicates are merged here (mu averaged) rather than nudged by
// 0.0005 eV as Larch's `remove_dups` does, which would put a spike into dmu/dE.

export interface OrderedSpectrum {
  energies: number[];
  mu: number[];
  warnings: string[];
}

/** Sort by energy (stable) and merge points at the same energy into one (their mean mu), saying so. */
export function sortAndMergeByEnergy(energies: readonly number[], mu: readonly number[]): OrderedSpectrum {
  const warnings: string[] = [];
  let order = energies.map((_, i) => i);
  let inversions = 0;
  for (let i = 1; i < energies.length; i++) if (energies[i]! < energies[i - 1]!) inversions++;
  if (inversions > 0) {
    order = order.sort((a, b) => energies[a]! - energies[b]! || a - b);
    warnings.push(`energies were not in increasing order (${inversions} step${inversions === 1 ? '' : 's'} backwards); sorted them`);
  }
  const outE: number[] = [];
  const outMu: number[] = [];
  let merged = 0;
  for (let k = 0; k < order.length; ) {
    const e = energies[order[k]!]!;
    let sum = 0;
    let count = 0;
    while (k < order.length && energies[order[k]!] === e) {
      sum += mu[order[k]!]!;
      count++;
      k++;
    }
    outE.push(e);
    outMu.push(sum / count);
    merged += count - 1;
  }
  if (merged > 0) warnings.push(`merged ${merged} point${merged === 1 ? '' : 's'} with a repeated energy (mu averaged)`);
  return { energies: outE, mu: outMu, warnings };
}
