// Identification resolvers: glue between src/schema/identify.graphql and src/identify/.
import type { IdentificationResolvers, MatchResolvers, QueryResolvers } from '../generated/graphql.ts';
import type { IdentifiedMatch } from '../identify/identify.ts';
import type { Context } from './context.ts';

async function found<T>(load: Promise<T | null>, what: string): Promise<T> {
  const value = await load;
  if (!value) throw new Error(`${what} vanished from the catalogue during the request`);
  return value;
}

export const identifyResolvers: {
  Query: Pick<QueryResolvers, 'identifySpectrum' | 'identifySpectra'>;
  Match: MatchResolvers;
  Identification: IdentificationResolvers;
} = {
  Query: {
    identifySpectrum: (_, { input, options }, ctx) => ctx.identify.identify(input, options ?? {}, ctx.signal),
    identifySpectra: (_, { inputs, options }, ctx) => ctx.identify.identifyMany(inputs, options ?? {}, ctx.signal),
  },
  Identification: {
    edge: (identification) => identification.edge as never,
  },
  Match: {
    material: (m, _, ctx: Context) => found(ctx.loaders.materialById.load(m.materialId), `material ${m.materialId}`),
    spectrum: (m, _, ctx: Context) => found(ctx.loaders.spectrumById.load(m.spectrumId), `spectrum ${m.spectrumId}`),
  },
};

export type { IdentifiedMatch };
