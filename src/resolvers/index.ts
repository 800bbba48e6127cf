// All resolvers, merged per type.
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { catalogResolvers } from './catalog.ts';
import { identifyResolvers } from './identify.ts';
import { mixtureResolvers } from './mixtures.ts';
import { modelResolvers } from './models.ts';
import { predictionResolvers } from './predictions.ts';

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    default:
      return null;
  }
}

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});

export const VERSION = '0.1.0';

export const resolvers = {
  JSON: JSONScalar,
  Query: { version: () => VERSION, ...catalogResolvers.Query, ...identifyResolvers.Query, ...mixtureResolvers.Query, ...modelResolvers.Query, ...predictionResolvers.Query },
  Mutation: predictionResolvers.Mutation,
  Subscription: predictionResolvers.Subscription,
  PredictionJob: predictionResolvers.PredictionJob,
  Identification: identifyResolvers.Identification,
  Match: identifyResolvers.Match,
  MixtureAnalysis: mixtureResolvers.MixtureAnalysis,
  MixtureCandidate: mixtureResolvers.MixtureCandidate,
  MixtureComponent: mixtureResolvers.MixtureComponent,
  SeriesDecomposition: mixtureResolvers.SeriesDecomposition,
  Material: catalogResolvers.Material,
  AbsorbingSite: catalogResolvers.AbsorbingSite,
  Spectrum: catalogResolvers.Spectrum,
  Model: modelResolvers.Model,
};
