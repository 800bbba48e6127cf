// Initial component spectra for MCR-ALS: the k most dissimilar spectra of the series, found as the vertices of the
// simplex the spectra fill in PCA score space. With closure every spectrum is a convex mixture of the pure
// components, so its k scores lie inside the (k − 1)-simplex whose corners are the purest spectra. Successive
// projections (Araújo et al., Chemom. Intell. Lab. Syst. 57, 65 (2001)) in their affine form: the first pick is the
// spectrum furthest from the mean, each next one the furthest from the affine hull of those already picked. The
// purest-sample counterpart of SIMPLISMA's purest variables (Windig & Guilment, Anal. Chem. 63, 1425 (1991)); exact for
// reaction series that start and end in pure states, a good start for an intermediate that is nearly pure somewhere.

/**
 * Indices (ascending) of the `k` most dissimilar spectra, from scores T (N × `width`, row-major, width ≥ k): only the
 * first k score columns are used (the signal subspace), so noise in later components cannot pick an outlier.
 */
export function purestSpectra(scores: Float64Array, spectrumCount: number, width: number, k: number): number[] {
  const dim = Math.min(k, width);
  const point = (i: number): Float64Array => scores.slice(i * width, i * width + dim);
  const mean = new Float64Array(dim);
  for (let i = 0; i < spectrumCount; i++) for (let j = 0; j < dim; j++) mean[j] = mean[j]! + scores[i * width + j]! / spectrumCount;

  const picked: number[] = [];
  const basis: Float64Array[] = []; // orthonormal directions of the affine hull of the picks
  let origin: Float64Array = mean;
  for (let pick = 0; pick < Math.min(k, spectrumCount); pick++) {
    let best = -1;
    let bestDistance = -1;
    for (let i = 0; i < spectrumCount; i++) {
      if (picked.includes(i)) continue;
      const distance = distanceToHull(point(i), origin, basis);
      if (distance > bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best < 0) break;
    const chosen = point(best);
    if (picked.length === 0) {
      origin = chosen;
    } else {
      const direction = residual(chosen, origin, basis);
      const norm = Math.hypot(...direction);
      if (norm > 0) basis.push(direction.map((x) => x / norm));
    }
    picked.push(best);
  }
  return picked.sort((a, b) => a - b);
}

/** The part of p − origin orthogonal to the (orthonormal) basis. */
function residual(p: Float64Array, origin: Float64Array, basis: readonly Float64Array[]): Float64Array {
  const r = p.map((x, j) => x - origin[j]!);
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < r.length; j++) dot += r[j]! * b[j]!;
    for (let j = 0; j < r.length; j++) r[j] = r[j]! - dot * b[j]!;
  }
  return r;
}

function distanceToHull(p: Float64Array, origin: Float64Array, basis: readonly Float64Array[]): number {
  const r = residual(p, origin, basis);
  let ss = 0;
  for (let j = 0; j < r.length; j++) ss += r[j]! * r[j]!;
  return ss;
}
