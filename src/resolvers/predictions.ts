// Prediction resolvers: glue between src/schema/predictions.graphql and src/jobs/.
import type { MutationResolvers, PredictionJobResolvers, QueryResolvers, SubscriptionResolvers } from '../generated/graphql.ts';
import { jobById, jobsByIds, jobUpdates } from '../jobs/jobs.ts';
import { type PredictionRequest, submitPredictions } from '../jobs/submit.ts';
import { batchProgress, listCallerJobs } from '../jobs/tracking.ts';
import type { Context } from './context.ts';

const submit = async (ctx: Context, inputs: PredictionRequest[]) => {
  const ids = await submitPredictions(
    { queue: ctx.predictionQueue, pool: ctx.db.pool, models: ctx.models.models, prepare: ctx.prepareStructures },
    ctx.caller,
    inputs,
  );
  return jobsByIds(ctx.db.prisma, ids);
};

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const predictionResolvers: {
  Mutation: Pick<MutationResolvers, 'predictSpectrum' | 'predictSpectra'>;
  Query: Pick<QueryResolvers, 'predictionJob' | 'myPredictionJobs' | 'predictionBatch'>;
  Subscription: Pick<SubscriptionResolvers, 'predictionJobUpdated'>;
  PredictionJob: PredictionJobResolvers;
} = {
  Mutation: {
    predictSpectrum: async (_, { input }, ctx) => (await submit(ctx, [input]))[0]!,
    predictSpectra: (_, { inputs }, ctx) => submit(ctx, inputs),
  },
  Query: {
    predictionJob: (_, { id }, ctx) => jobById(ctx.db.prisma, id),
    myPredictionJobs: (_, args, ctx) => listCallerJobs(ctx.db.prisma, ctx.caller, args),
    predictionBatch: (_, { ids }, ctx) => batchProgress(ctx.db.prisma, ids),
  },
  Subscription: {
    predictionJobUpdated: {
      // Look the job up first, so that an unknown id is a NOT_FOUND error of the subscription, not of its stream.
      subscribe: async (_, { id }, ctx) => (await jobById(ctx.db.prisma, id)) && jobUpdates(ctx.db.prisma, id),
      resolve: (job: unknown) => job as never,
    },
  },
  PredictionJob: {
    createdAt: (job) => job.createdAt.toISOString(),
    startedAt: (job) => iso(job.startedAt),
    finishedAt: (job) => iso(job.finishedAt),
    model: (job) => job.modelVersion,
    material: (job, _, ctx) => (job.state === 'COMPLETED' && job.materialId ? ctx.loaders.materialById.load(job.materialId) : null),
    spectrum: (job, _, ctx) => (job.state === 'COMPLETED' && job.spectrumId ? ctx.loaders.spectrumById.load(job.spectrumId) : null),
    async catalogMaterial(job, _, ctx) {
      const id = await ctx.loaders.catalogMaterialOfJob.load(job.id);
      return id === null ? null : ctx.loaders.materialById.load(id);
    },
  },
};
