// Mixture and series resolvers: glue between src/schema/mixtures.graphql and src/identify/mixture.ts, series.ts.
import type {
  MixtureAnalysisResolvers,
  MixtureCandidateResolvers,
  MixtureComponentResolvers,
  QueryResolvers,
  SeriesDecompositionResolvers,
} from '../generated/graphql.ts';
import type { Context } from './context.ts';

async function found<T>(load: Promise<T | null>, what: string): Promise<T> {
  const value = await load;
  if (!value) throw new Error(`${what} vanished from the catalogue during the request`);
  return value;
}

/** material and spectrum of anything that names a catalogue spectrum by id. */
const catalogueLinks = {
  material: (c: { materialId: string }, _: unknown, ctx: Context) => found(ctx.loaders.materialById.load(c.materialId), `material ${c.materialId}`),
  spectrum: (c: { spectrumId: string }, _: unknown, ctx: Context) => found(ctx.loaders.spectrumById.load(c.spectrumId), `spectrum ${c.spectrumId}`),
  method: (c: { method: string }) => c.method as never,
};

export const mixtureResolvers: {
  Query: Pick<QueryResolvers, 'fitMixture' | 'decomposeSeries'>;
  MixtureAnalysis: MixtureAnalysisResolvers;
  MixtureCandidate: MixtureCandidateResolvers;
  MixtureComponent: MixtureComponentResolvers;
  SeriesDecomposition: SeriesDecompositionResolvers;
} = {
  Query: {
    fitMixture: (_, { input, options }, ctx) => ctx.identify.fitMixture(input, options ?? {}, ctx.signal),
    decomposeSeries: (_, { inputs, options }, ctx) => ctx.identify.decomposeSeries(inputs, options ?? {}, ctx.signal),
  },
  MixtureAnalysis: { edge: (a) => a.edge as never },
  MixtureCandidate: catalogueLinks,
  MixtureComponent: catalogueLinks,
  SeriesDecomposition: { edge: (d) => d.edge as never },
};
