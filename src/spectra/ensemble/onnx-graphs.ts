// The ENSEMBLE method's inner products, run by ONNX Runtime: its GEMM (MLAS) does them 10–20× faster than a
// JavaScript loop (100,000 references screened in ~5 ms instead of ~150 ms). Two weightless graphs written by
// training/ensemble_graphs.py (which documents their inputs and outputs): screen.onnx (low-rank scores, best
// shift, top k) and correlate.onnx (chosen rows of a window matrix times the query's slices at every shift).
// Inputs cost time in proportion to their size (sending a whole 100,000-row window matrix to correlate instead of
// the chosen rows made a query ~15 ms slower), so what is sent is kept small where it can be.
// One CPU session per graph and thread, opened on first use.
//
// Caveat: `run` blocks the calling thread; identification calls these from its worker threads (src/identify/pool.ts).
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { sessionOptions } from '../../inference/session.ts';

type GraphName = 'screen' | 'correlate';

const sessions = new Map<GraphName, Promise<ort.InferenceSession>>();

function graphSession(name: GraphName): Promise<ort.InferenceSession> {
  let session = sessions.get(name);
  if (!session) {
    const file = fileURLToPath(new URL(`./${name}.onnx`, import.meta.url));
    // One intra-op thread: two were 2× slower here (the spinning threads compete with the identification threads).
    session = ort.InferenceSession.create(file, sessionOptions('cpu', 1));
    session.catch(() => sessions.delete(name));
    sessions.set(name, session);
  }
  return session;
}

/** The references the screen keeps (in no particular order), with the position of each one's best slice in `columns`. */
export interface ScreenHits {
  indices: Uint32Array;
  shiftIndices: Int32Array;
}

/**
 * The `keep` best references (in no particular order) by max over the screened slices c of
 * ⟨projected[n], basis · slices[:, c]⟩ · scale[c] + bias[n].
 *
 * @param projected references' coordinates, row-major [count × rank]
 * @param basis the main window's projection basis, row-major [rank × slices.width]
 * @param columns the slices screened (indices into `slices`)
 * @param bias 0 for a reference that may be kept, −Infinity for one that may not ([count])
 * @param keep how many to return; at most the number of references with bias 0
 */
export async function screenReferences(
  projected: Float32Array,
  count: number,
  rank: number,
  basis: Float32Array,
  slices: SliceColumns,
  columns: readonly number[],
  bias: Float32Array,
  keep: number,
): Promise<ScreenHits> {
  if (projected.length < count * rank || basis.length !== rank * slices.width || bias.length !== count) {
    throw new Error(`screen: shapes disagree (projected ${projected.length} for ${count}×${rank}, basis ${basis.length} for ${rank}×${slices.width}, bias ${bias.length})`);
  }
  const out = await (await graphSession('screen')).run({
    projected: new ort.Tensor('float32', projected.subarray(0, count * rank), [count, rank]),
    basis: new ort.Tensor('float32', basis, [rank, slices.width]),
    slices: new ort.Tensor('float32', slices.values, [slices.width, slices.count]),
    scale: new ort.Tensor('float32', slices.scale, [slices.count]),
    columns: new ort.Tensor('int64', BigInt64Array.from(columns, (c) => BigInt(c)), [columns.length]),
    bias: new ort.Tensor('float32', bias, [count]),
    k: new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(keep, count))), [1]),
  });
  return {
    indices: Uint32Array.from(out.indices!.data as BigInt64Array, (v) => Number(v)),
    shiftIndices: Int32Array.from(out.shifts!.data as BigInt64Array, (v) => Number(v)),
  };
}

/** A query's slices of one window as the correlate graph takes them (see training/ensemble_graphs.py). */
export interface SliceColumns {
  width: number;
  /** Number of slices (columns). */
  count: number;
  /** Row-major [width × count]: column c is slice c, not centred. */
  values: Float32Array;
  /** 1 / the norm of each centred slice (0 for a flat one). */
  scale: Float32Array;
}

/**
 * Pearson correlations of chosen rows with every slice: out[f·count + c] = ⟨rows[indices[f]], slice c⟩ · scale[c].
 *
 * @param rows a window's mean-centred unit rows, row-major [references × slices.width]
 */
export async function correlateRows(rows: Float32Array, indices: ArrayLike<number>, slices: SliceColumns): Promise<Float32Array> {
  const { width, count } = slices;
  if (slices.values.length !== width * count || slices.scale.length !== count) throw new Error(`correlate: slices are not ${count} columns of ${width}`);
  if (indices.length === 0) return new Float32Array(0);
  // Only the chosen rows go to the graph: the whole matrix can be hundreds of MB.
  const chosen = new Float32Array(indices.length * width);
  for (let f = 0; f < indices.length; f++) chosen.set(rows.subarray(indices[f]! * width, (indices[f]! + 1) * width), f * width);
  const out = await (await graphSession('correlate')).run({
    rows: new ort.Tensor('float32', chosen, [indices.length, width]),
    slices: new ort.Tensor('float32', slices.values, [width, count]),
    scale: new ort.Tensor('float32', slices.scale, [count]),
  });
  return out.corr!.data as Float32Array;
}
