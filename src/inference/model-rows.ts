// The Model table (Prisma): one row per registered model, written from its sidecar at start, read by the
// `models` query. Rows stay when a model leaves MODELS_DIR (predictions name their model).
import type { Model, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { compareVersionsDescending } from './choose.ts';
import type { ModelFiles, ModelSidecar } from './sidecar.ts';

/** A model's test-split scores (what the `models` query shows). */
export interface ModelMetricsView {
  testSites: number;
  eta: number;
  mse: number;
  meanSpectrumMse: number;
  medianRelativeError: number;
  coverage2Sigma: number;
  meanSigma: number;
  /** η of the wACSF-97 MLP baseline (XANESNET 2022's recipe) on the same test sites; null when not trained. */
  baselineEtaWacsf97: number | null;
}

/** A registered model, as the schema's `Model` shows it (less `available`, which the process knows). */
export interface ModelView {
  id: string;
  name: string;
  version: string;
  absorbingElement: string;
  edge: Model['edge'];
  spectrumType: Model['spectrumType'];
  fidelity: Model['fidelity'];
  energies: number[];
  descriptor: ModelSidecar['descriptor'];
  descriptorKind: string;
  descriptorDimension: number;
  metrics: ModelMetricsView;
  metricsReport: ModelSidecar['metrics'];
  trainingData: string;
  ensembleMembers: number;
  file: string;
  sha256: string;
  trainedAt: string | null;
  createdAt: string;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** The row of a checked model (createdAt is left to the database, so a re-registration keeps it). */
function modelRow(files: ModelFiles): Prisma.ModelCreateInput {
  const s = files.sidecar;
  return {
    id: files.id,
    name: s.name,
    version: s.version,
    absorbingElement: s.absorbingElement,
    edge: s.edge,
    spectrumType: s.spectrumType,
    fidelity: s.fidelity,
    energyGrid: s.energies,
    descriptor: json(s.descriptor),
    metrics: json(s.metrics),
    file: s.file,
    ensemble: json(s.ensemble),
    training: json(s.training),
    trainedAt: s.training.createdAt ? new Date(s.training.createdAt) : null,
    sha256: s.sha256,
  };
}

/** Insert or update the rows of `models`, all in one transaction (idempotent). */
export async function upsertModelRows(prisma: PrismaClient, models: readonly ModelFiles[]): Promise<void> {
  if (models.length === 0) return;
  await prisma.$transaction(
    models.map((m) => {
      const row = modelRow(m);
      return prisma.model.upsert({ where: { id: row.id }, create: row, update: row });
    }),
  );
}

/** The view of a row (its JSON columns were written from a checked sidecar). */
export function modelView(row: Model): ModelView {
  const descriptor = row.descriptor as ModelSidecar['descriptor'];
  const metrics = row.metrics as ModelSidecar['metrics'];
  const ensemble = row.ensemble as ModelSidecar['ensemble'];
  const training = row.training as ModelSidecar['training'];
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    absorbingElement: row.absorbingElement,
    edge: row.edge,
    spectrumType: row.spectrumType,
    fidelity: row.fidelity,
    energies: row.energyGrid,
    descriptor,
    descriptorKind: descriptor.kind,
    descriptorDimension: descriptor.dimension,
    metrics: {
      testSites: metrics.test.sites,
      eta: metrics.test.eta,
      mse: metrics.test.mse,
      meanSpectrumMse: metrics.test.meanSpectrumMse,
      medianRelativeError: metrics.test.medianRelativeError,
      coverage2Sigma: metrics.test.coverage2Sigma,
      meanSigma: metrics.test.meanSigma,
      baselineEtaWacsf97: metrics.baselines.wacsf97Mlp?.test.eta ?? null,
    },
    metricsReport: metrics,
    trainingData: training.data,
    ensembleMembers: ensemble.members,
    file: row.file,
    sha256: row.sha256,
    trainedAt: row.trainedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Registered models, optionally of one absorbing element and edge; by name, newest version first. */
export async function listModelRows(prisma: PrismaClient, filter: { absorbingElement?: string | null; edge?: Model['edge'] | null }): Promise<ModelView[]> {
  const rows = await prisma.model.findMany({
    where: { ...(filter.absorbingElement ? { absorbingElement: filter.absorbingElement } : {}), ...(filter.edge ? { edge: filter.edge } : {}) },
  });
  return rows.sort((a, b) => a.name.localeCompare(b.name) || compareVersionsDescending(a.version, b.version)).map(modelView);
}
