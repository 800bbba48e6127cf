// Identification resolvers: glue between src/schema/identify.graphql and src/identify/.
import type { IdentificationResolvers, MatchResolvers, QueryResolvers } from '../generated/graphql.ts';
import type { IdentifiedMatch } from '../identify/identify.ts';
import type { Context } from './context.ts';

async function found<T>(load: Promise<T | null>, what: string): Promise<T> {
  const value = await load;
  if (!value) throw new Error(`${what} vanished from the catalogue during the request`);
  return value;
}

/** `material` and `spectrum` of an answer that names a catalogue spectrum (a match, a mixture's component or candidate). */
export const catalogueLinks = {
  material: (c: { materialId: string }, _: unknown, ctx: Context) => found(ctx.loaders.materialById.load(c.materialId), `material ${c.materialId}`),
  spectrum: (c: { spectrumId: string }, _: unknown, ctx: Context) => found(ctx.loaders.spectrumById.load(c.spectrumId), `spectrum ${c.spectrumId}`),
};

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
  Match: catalogueLinks,
};

export type { IdentifiedMatch };
