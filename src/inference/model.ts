// A servable spectrum model: its checked sidecar and an open ONNX session, checked against each other.
import type { WacsfParameters } from '../structure/descriptor.ts';
import { type ModelSession, openModelSession, type SessionOptions } from './session.ts';
import type { ModelFiles } from './sidecar.ts';

/** What predictStructures needs of a model (tests may give a session of their own). */
export interface SpectrumModel {
  /** `<name>@<version>`. */
  id: string;
  absorbingElement: string;
  edge: string;
  /** Output grid, eV (E points). */
  energies: readonly number[];
  /** Descriptor parameters: the graph takes their raw values (scaling is inside it). */
  descriptor: WacsfParameters;
  session: Pick<ModelSession, 'run'>;
}

export interface OpenModel extends SpectrumModel {
  files: ModelFiles;
  session: ModelSession;
}

/** Open a model's ONNX file and check that the graph's input and output widths are the sidecar's. */
export async function openModel(files: ModelFiles, options: SessionOptions): Promise<OpenModel> {
  const session = await openModelSession(files.onnxPath, options);
  const { sidecar } = files;
  const problems = [
    session.inputDimension !== null && session.inputDimension !== sidecar.descriptor.dimension
      ? `the graph takes ${session.inputDimension} descriptor values but the sidecar declares ${sidecar.descriptor.dimension}`
      : null,
    session.outputDimension !== null && session.outputDimension !== sidecar.energies.length
      ? `the graph returns ${session.outputDimension} points but the sidecar has ${sidecar.energies.length} energies`
      : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) {
    await session.release();
    throw new Error(`${files.onnxPath}: ${problems.join('; ')}`);
  }
  return {
    id: files.id,
    absorbingElement: sidecar.absorbingElement,
    edge: sidecar.edge,
    energies: sidecar.energies,
    descriptor: files.descriptor,
    files,
    session,
  };
}
