// Model registry resolvers: glue between src/schema/models.graphql and src/inference/model-rows.ts.
import type { ModelResolvers, QueryResolvers } from '../generated/graphql.ts';
import { listModelRows } from '../inference/model-rows.ts';

export const modelResolvers: { Query: Pick<QueryResolvers, 'models'>; Model: ModelResolvers } = {
  Query: {
    models: (_, { absorbingElement, edge }, ctx) => listModelRows(ctx.db.prisma, { absorbingElement, edge }),
  },
  Model: {
    available: (model, _, ctx) => ctx.models.serves(model.id, model.sha256),
  },
};
