// ONNX ↔ PyTorch parity: a model's parity probe (`<name>.parity.json`, written by training/train.py: float32
// descriptors of a few test sites and PyTorch's `mean` and `std` for them) run through onnxruntime-node.
//
// Tolerances. mean: 1e-5 relative (denominator max(|ref|, 1e-3)). std: the same, plus what float32 allows: σ is
// the members' spread times the calibration factor s (sidecar ensemble.stdScale), and where the members nearly
// agree the spread is a difference of nearly equal float32 numbers, so ONNX Runtime and PyTorch (which sum their
// matrix products in different orders) can differ by a few ulps of μ, times s. Measured: up to 7e-6 absolute
// (s = 61), i.e. 3e-3 of a σ of 1e-3, while μ agrees to 2e-7.
import fs from 'node:fs';
import { openModel } from '../../src/inference/model.ts';
import type { ModelFiles } from '../../src/inference/sidecar.ts';

export interface ParityProbe {
  model: string;
  sites: string[];
  descriptor: number[][];
  mean: number[][];
  std: number[][];
}

export interface ParityResult {
  sites: number;
  /** Largest |onnx − torch| / max(|torch|, 1e-3) of the mean, over sites and energies. */
  meanRelative: number;
  /** The same for std (for information: see stdTolerance). */
  stdRelative: number;
  /** Largest |Δσ| / (1e-5·max(|σ|, 1e-3) + s·ULPS·ε₃₂·max(|μ|, 1)); at most 1 passes. */
  stdTolerance: number;
  provider: string;
}

export const RELATIVE = 1e-5;
/** float32 ulps of μ allowed in the members' spread (before the calibration factor). */
const ULPS = 8;
const EPSILON32 = 2 ** -23;

/** What float32 allows σ to differ by between two correct evaluations (other summation order, other batch size). */
export function sigmaAllowance(stdScale: number, mu: number): number {
  return stdScale * ULPS * EPSILON32 * Math.max(Math.abs(mu), 1);
}

export async function modelParity(files: ModelFiles): Promise<ParityResult> {
  if (!files.parityPath) throw new Error(`${files.sidecarPath}: no parity probe beside it`);
  const probe = JSON.parse(fs.readFileSync(files.parityPath, 'utf8')) as ParityProbe;
  const model = await openModel(files, { executionProvider: 'cpu' });
  try {
    const points = files.sidecar.energies.length;
    const { mean, std } = await model.session.run(Float32Array.from(probe.descriptor.flat()), probe.descriptor.length);
    const s = files.sidecar.ensemble.stdScale;
    let meanRelative = 0;
    let stdRelative = 0;
    let stdTolerance = 0;
    probe.mean.forEach((row, i) =>
      row.forEach((mu, e) => {
        const sigma = probe.std[i]![e]!;
        const dMean = Math.abs(mean[i * points + e]! - mu);
        const dStd = Math.abs(std[i * points + e]! - sigma);
        meanRelative = Math.max(meanRelative, dMean / Math.max(Math.abs(mu), 1e-3));
        stdRelative = Math.max(stdRelative, dStd / Math.max(Math.abs(sigma), 1e-3));
        stdTolerance = Math.max(stdTolerance, dStd / (RELATIVE * Math.max(Math.abs(sigma), 1e-3) + sigmaAllowance(s, mu)));
      }),
    );
    return { sites: probe.descriptor.length, meanRelative, stdRelative, stdTolerance, provider: model.session.provider };
  } finally {
    await model.session.release();
  }
}
