// Site averaging of computed spectra: what an experiment sees is the multiplicity-weighted mean of the
// spectra of all absorbing sites (pymatgen `site_weighted_spectrum`, Materials Project XASDoc averaging).

/** One site's spectrum with its averaging weight (its multiplicity in the cell). */
export interface WeightedSiteSpectrum {
  siteIndex: number;
  weight: number;
  energies: ArrayLike<number>;
  mu: ArrayLike<number>;
}

export interface AveragedSpectrum {
  energies: number[];
  mu: number[];
}

/**
 * Multiplicity-weighted average `mu_avg(E) = Σ w_i mu_i(E) / Σ w_i`, on a common grid.
 *
 * The grid is the energy grid of the site with the largest weight (lowest site index on a tie), kept where
 * every site has data (the overlap of all grids): each other site is linearly interpolated onto it and no
 * site is ever extrapolated. One site gives that site's spectrum unchanged.
 */
export function siteAveragedSpectrum(sites: readonly WeightedSiteSpectrum[]): AveragedSpectrum {
  if (sites.length === 0) throw new Error('site averaging needs at least one site spectrum');
  for (const site of sites) {
    if (!(site.weight > 0)) throw new Error(`site ${site.siteIndex}: weight must be positive, got ${site.weight}`);
    checkSpectrum(site);
  }
  const reference = [...sites].sort((a, b) => b.weight - a.weight || a.siteIndex - b.siteIndex)[0]!;
  const low = Math.max(...sites.map((s) => s.energies[0]!));
  const high = Math.min(...sites.map((s) => s.energies[s.energies.length - 1]!));
  if (!(low < high)) throw new Error('site spectra do not overlap in energy: no common grid');
  const energies = Array.from(reference.energies).filter((e) => e >= low && e <= high);
  const totalWeight = sites.reduce((sum, s) => sum + s.weight, 0);
  const mu = new Array<number>(energies.length).fill(0);
  for (const site of sites) {
    const values = interpolateLinear(site.energies, site.mu, energies);
    for (let i = 0; i < energies.length; i++) mu[i]! += (site.weight * values[i]!) / totalWeight;
  }
  return { energies, mu };
}

/** Linear interpolation of (xs, ys) at `at`; xs strictly increasing and every `at` inside [xs[0], xs[n-1]]. */
export function interpolateLinear(xs: ArrayLike<number>, ys: ArrayLike<number>, at: readonly number[]): number[] {
  const out = new Array<number>(at.length);
  let j = 0;
  for (let i = 0; i < at.length; i++) {
    const x = at[i]!;
    if (x < xs[0]! || x > xs[xs.length - 1]!) throw new Error(`cannot interpolate at ${x}: outside ${xs[0]}…${xs[xs.length - 1]}`);
    while (j < xs.length - 2 && xs[j + 1]! < x) j++;
    const x0 = xs[j]!;
    const x1 = xs[j + 1] ?? x0;
    const t = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
    out[i] = ys[j]! + t * ((ys[j + 1] ?? ys[j]!) - ys[j]!);
  }
  return out;
}

function checkSpectrum(site: WeightedSiteSpectrum): void {
  const { energies, mu } = site;
  if (energies.length < 2 || energies.length !== mu.length) {
    throw new Error(`site ${site.siteIndex}: energies (${energies.length}) and mu (${mu.length}) must have the same length ≥ 2`);
  }
  for (let i = 1; i < energies.length; i++) {
    if (!(energies[i]! > energies[i - 1]!)) {
      throw new Error(`site ${site.siteIndex}: energy must increase; found ${energies[i]} after ${energies[i - 1]} at point ${i}`);
    }
  }
}
