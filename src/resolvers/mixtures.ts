// Mixture and series resolvers: glue between src/schema/mixtures.graphql and src/identify/mixture.ts, series.ts.
import type {
  MixtureAnalysisResolvers,
  MixtureCandidateResolvers,
  MixtureComponentResolvers,
  QueryResolvers,
  SeriesDecompositionResolvers,
} from '../generated/graphql.ts';
import { catalogueLinks } from './identify.ts';

/** A catalogue reference's material and spectrum, and its kind as the Method enum. */
const referenceLinks = { ...catalogueLinks, method: (c: { method: string }) => c.method as never };

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
  MixtureCandidate: referenceLinks,
  MixtureComponent: referenceLinks,
  SeriesDecomposition: { edge: (d) => d.edge as never },
};
