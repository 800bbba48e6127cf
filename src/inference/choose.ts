// Which served model answers a request: by name (its newest version unless `name@version`), or by absorbing
// element and edge. An InputError lists the models available when none fits.
import { InputError } from '../errors.ts';
import type { ModelFiles } from './sidecar.ts';

export interface ModelRequest {
  /** `name` (newest version) or `name@version`. */
  model?: string | null;
  absorbingElement?: string | null;
  edge?: string | null;
  /** The structure's elements: without `absorbingElement` (and `model`), the one of them some model predicts. */
  structureElements?: readonly string[];
}

/** Newest first: versions compared part by part, numerically where both parts are numbers. */
export function compareVersionsDescending(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] ?? '', pb[i] ?? ''];
    const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(y) - Number(x) : y.localeCompare(x);
    if (order !== 0) return order;
  }
  return 0;
}

const describe = (m: ModelFiles) => `${m.id} (${m.sidecar.absorbingElement} ${m.sidecar.edge})`;

function available(models: readonly ModelFiles[]): string {
  return models.length === 0 ? 'no model is installed (MODELS_DIR holds none)' : `models available: ${models.map(describe).join(', ')}`;
}

/** The absorbing element of a request: the given one, else the only element of the structure a model predicts. */
function absorberOf(models: readonly ModelFiles[], request: ModelRequest): string {
  if (request.absorbingElement) return request.absorbingElement;
  const elements = request.structureElements ?? [];
  const predictable = [...new Set(models.filter((m) => !request.edge || m.sidecar.edge === request.edge).map((m) => m.sidecar.absorbingElement))]
    .filter((el) => elements.includes(el))
    .sort();
  if (predictable.length === 1) return predictable[0]!;
  if (predictable.length > 1) throw new InputError(`models predict several elements of the structure (${predictable.join(', ')}): choose the absorbing element`, 'absorbingElement');
  const has = elements.length > 0 ? ` of the structure's elements (${elements.join(', ')})` : '';
  throw new InputError(`no model predicts spectra${has}; give the absorbing element; ${available(models)}`, 'absorbingElement');
}

/**
 * The model for a request: `model` picks by name (and version), then must agree with the element and edge
 * when given; otherwise the element (given, or inferred from the structure's elements) and the edge pick, the
 * first name alphabetically, newest version.
 */
export function chooseModel(models: readonly ModelFiles[], request: ModelRequest): ModelFiles {
  const sorted = [...models].sort((a, b) => a.sidecar.name.localeCompare(b.sidecar.name) || compareVersionsDescending(a.sidecar.version, b.sidecar.version));
  const { model, edge } = request;
  const absorbingElement = model ? request.absorbingElement : absorberOf(sorted, request);
  const fits = (m: ModelFiles) => (!absorbingElement || m.sidecar.absorbingElement === absorbingElement) && (!edge || m.sidecar.edge === edge);
  const wanted = [absorbingElement, edge && `${edge}-edge`].filter(Boolean).join(' ');
  if (model) {
    const named = sorted.filter((m) => m.id === model || m.sidecar.name === model);
    if (named.length === 0) throw new InputError(`no model "${model}"; ${available(models)}`, 'model');
    const chosen = named.find(fits);
    if (!chosen) throw new InputError(`model ${describe(named[0]!)} does not predict ${wanted} spectra; ${available(models)}`, 'model');
    return chosen;
  }
  const chosen = sorted.find(fits);
  if (!chosen) throw new InputError(`no model predicts ${wanted} spectra; ${available(models)}`, 'absorbingElement');
  return chosen;
}
