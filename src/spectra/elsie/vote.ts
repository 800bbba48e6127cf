/**
 * The Borda vote of the reference ELSIE (veidt/elsie/ensemble.py `EnsembleRank.borda_rank_vote`), with its
 * tie rules reproduced exactly:
 * - per learner, candidates with similarity 0 (invalid pairs, caught errors) get no point;
 * - the rest are ordered by pandas `sort_values(ascending=True)`, i.e. NumPy's unstable introsort
 *   (`aquicksort`, numpy 1.24), and the k-th (0-based) gets k+1 points;
 * - points are pooled per label; labels are ranked by Python's stable `sorted(..., reverse=True)` over the
 *   pool's insertion order (first vote received).
 */

/** NumPy's `Tag::less` for float64: NaN sorts last (numpy/core/src/npysort/npysort_common.h). */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** NumPy's `aheapsort_` on tosort[lo..lo+n) (numpy/core/src/npysort/heapsort.cpp), the introsort fallback. */
function aheapsort(v: ArrayLike<number>, tosort: Int32Array, lo: number, n: number): void {
  const at = (k: number): number => tosort[lo + k - 1]!; // 1-based heap indexing, as NumPy's `a = tosort - 1`
  const set = (k: number, val: number): void => { tosort[lo + k - 1] = val; };
  for (let l = n >> 1; l > 0; --l) {
    const tmp = at(l);
    let i = l, j = l << 1;
    while (j <= n) {
      if (j < n && less(v[at(j)]!, v[at(j + 1)]!)) j += 1;
      if (less(v[tmp]!, v[at(j)]!)) { set(i, at(j)); i = j; j += j; } else break;
    }
    set(i, tmp);
  }
  for (; n > 1;) {
    const tmp = at(n);
    set(n, at(1));
    n -= 1;
    let i = 1, j = 2;
    while (j <= n) {
      if (j < n && less(v[at(j)]!, v[at(j + 1)]!)) j++;
      if (less(v[tmp]!, v[at(j)]!)) { set(i, at(j)); i = j; j += j; } else break;
    }
    set(i, tmp);
  }
}

/** Partitions no longer than this (pr − pl) go to insertion sort (npysort_common.h SMALL_QUICKSORT). */
const SMALL_QUICKSORT = 15;

/**
 * `np.argsort(v, kind='quicksort')` exactly as NumPy 1.24 computes it (numpy/core/src/npysort/quicksort.cpp
 * `aquicksort_`: median-of-3 introsort, insertion sort at 16 or fewer, heapsort past depth 2·⌊log₂ n⌋), so that
 * exactly equal values come out in the same (unstable) order as in the reference.
 */
export function numpyArgsortQuicksort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const tosort = new Int32Array(num);
  for (let i = 0; i < num; i++) tosort[i] = i;
  if (num < 2) return tosort;
  const swap = (i: number, j: number): void => { const t = tosort[i]!; tosort[i] = tosort[j]!; tosort[j] = t; };
  const stack: number[] = [];
  const depthStack: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = 2 * (31 - Math.clz32(num)); // npy_get_msb(num) * 2
  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, tosort, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[tosort[pm]!]!, v[tosort[pl]!]!)) swap(pm, pl);
        if (less(v[tosort[pr]!]!, v[tosort[pm]!]!)) swap(pr, pm);
        if (less(v[tosort[pm]!]!, v[tosort[pl]!]!)) swap(pm, pl);
        const vp = v[tosort[pm]!]!;
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[tosort[pi]!]!, vp));
          do --pj; while (less(vp, v[tosort[pj]!]!));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // push the larger partition, continue with the smaller
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi]!;
        const vv = v[vi]!;
        let pj = pi;
        while (pj > pl && less(vv, v[tosort[pj - 1]!]!)) {
          tosort[pj] = tosort[pj - 1]!;
          pj--;
        }
        tosort[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return tosort;
}

/**
 * One learner's Borda points per candidate (veidt `borda_rank_vote` inner loop, zero-similarity rows
 * dropped as in the notes §3): the most similar of n voting candidates gets n, the least 1, a zero gets 0.
 * NaN similarities count as 0 (the reference catches the error and sets 0).
 */
export function bordaPoints(similarities: ArrayLike<number>): Int32Array {
  const points = new Int32Array(similarities.length);
  const kept: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < similarities.length; i++) {
    const s = similarities[i]!;
    if (s !== 0 && s === s) {
      kept.push(i);
      values.push(s);
    }
  }
  const order = numpyArgsortQuicksort(values);
  for (let k = 0; k < order.length; k++) points[kept[order[k]!]!] = k + 1;
  return points;
}

/** The order in which candidates received points from one learner: ascending similarity, voters only. */
export function votingOrder(points: Int32Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < points.length; i++) if (points[i]! > 0) idx.push(i);
  return idx.sort((a, b) => points[a]! - points[b]!);
}

/** Label → pooled points, in the pool's insertion order (Python `defaultdict(int)`), from per-learner points. */
export function poolByLabel(labels: readonly string[], perLearnerPoints: readonly Int32Array[]): Map<string, number> {
  const pool = new Map<string, number>();
  for (const points of perLearnerPoints) {
    for (const i of votingOrder(points)) {
      const label = labels[i]!;
      pool.set(label, (pool.get(label) ?? 0) + points[i]!);
    }
  }
  return pool;
}

/** Labels by pooled points, descending; ties keep insertion order (Python's stable `sorted(..., reverse=True)`). */
export function rankLabels(pool: Map<string, number>): { label: string; borda: number }[] {
  return [...pool.entries()].map(([label, borda]) => ({ label, borda })).sort((a, b) => b.borda - a.borda);
}
