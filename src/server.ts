// The HTTP server: GraphQL (Apollo Server 5) at /graphql, liveness at /healthz, readiness at /readyz,
// Prometheus metrics at /metrics. One JSON log line per request, with its request id.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AccessError, configureMutationRateLimit, requireReader, type Caller } from './auth/access.ts';
import { ApiKeyAuthenticator } from './auth/api-keys.ts';
import { createCatalogLoaders } from './catalog/loaders.ts';
import { type Config, PROJECT_ROOT } from './config.ts';
import type { Database } from './db/client.ts';
import { pendingMigrations } from './db/migrate.ts';
import { MIGRATIONS_DIR } from './db/open.ts';
import { InputError, NotFoundError } from './errors.ts';
import { IdentifyPool } from './identify/pool.ts';
import { IDENTIFY_QUERY, identifyUploadVariables } from './identify/upload.ts';
import { registerModels } from './inference/registry.ts';
import { measureQuery } from './graphql/limits.ts';
import { attachSubscriptions } from './graphql/subscriptions.ts';
import { PredictionQueue } from './jobs/queue.ts';
import { PredictionWorker } from './jobs/worker.ts';
import type { Logger } from './logger.ts';
import { metricsRegistry } from './metrics.ts';
import type { Context } from './resolvers/context.ts';
import { resolvers } from './resolvers/index.ts';

const SCHEMA_DIR = path.join(PROJECT_ROOT, 'src', 'schema');

export function loadTypeDefs(): string {
  return fs
    .readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'common.graphql' ? -1 : b === 'common.graphql' ? 1 : a.localeCompare(b)))
    .map((f) => fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8'))
    .join('\n');
}

/** Maps errors a user caused to their codes; hides internals of everything else. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof InputError) {
    return { ...formatted, message: original.message, extensions: { code: 'BAD_USER_INPUT', ...(original.field ? { field: original.field } : {}) } };
  }
  if (original instanceof NotFoundError) return { ...formatted, message: original.message, extensions: { code: 'NOT_FOUND' } };
  if (original instanceof AccessError) {
    const retry = original.retryAfterSeconds;
    return { ...formatted, message: original.message, extensions: { code: original.code, ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) } };
  }
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    return { message: 'internal server error: the request failed on the server side; it was logged', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}

function limitsPlugin(config: Config): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const { depth, cost } = measureQuery(document, operation, request.variables ?? {});
          if (depth > config.MAX_QUERY_DEPTH) {
            throw new GraphQLError(`query depth ${depth} exceeds the limit of ${config.MAX_QUERY_DEPTH}: nest fewer fields`, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          if (cost > config.MAX_QUERY_COST) {
            throw new GraphQLError(
              `query cost ${cost} exceeds the limit of ${config.MAX_QUERY_COST}: ask for smaller pages ("first") or fewer nested lists`,
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            );
          }
        },
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (!(original instanceof InputError || original instanceof NotFoundError || original instanceof AccessError) && !error.extensions?.code) {
              contextValue.log.error({ err: original }, 'resolver failed');
            }
          }
        },
      };
    },
  };
}

/** An AccessError from context creation as the GraphQLError Apollo answers with: HTTP 401 and its code. */
function asHttpError(err: unknown): never {
  if (!(err instanceof AccessError)) throw err;
  throw new GraphQLError(err.message, {
    extensions: { code: err.code, http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) } },
  });
}

export interface AppServer {
  server: http.Server;
  apollo: ApolloServer<Context>;
  close(): Promise<void>;
}

/** The request body as text; rejects with status 413 (and stops reading) past `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(Object.assign(new Error(`request body larger than ${limit} bytes`), { status: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function createServer(config: Config, db: Database, log: Logger): Promise<AppServer> {
  const models = await registerModels(db.prisma, config, log);
  const schema = makeExecutableSchema<Context>({ typeDefs: loadTypeDefs(), resolvers });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // src/main.ts stops the server, then the database, in order
    introspection: config.INTROSPECTION,
    plugins: [limitsPlugin(config)],
  });
  await apollo.start();
  const identify = new IdentifyPool(db.url, log, config.IDENTIFY_THREADS);
  // The job queue (submission, and supervision: dead workers' jobs go back to the queue), and with START_WORKER a
  // prediction worker in this process, its inference on a worker thread (src/jobs/worker.ts).
  const predictionQueue = await PredictionQueue.start(db.url, log);
  const worker = config.START_WORKER ? await PredictionWorker.start({ queue: predictionQueue, pool: db.pool, models: models.models, config, log }) : null;
  const authenticator = new ApiKeyAuthenticator(db.prisma, log);
  configureMutationRateLimit(config.MUTATION_RATE_LIMIT);
  /** The request's caller from its Authorization header; AccessError (UNAUTHENTICATED) for a bad key, or for none with REQUIRE_KEY_FOR_READS. */
  const callerOf = async (authorization: string | undefined): Promise<Caller | null> => {
    const caller = await authenticator.authenticate(authorization);
    return config.REQUIRE_KEY_FOR_READS ? requireReader(caller) : caller;
  };
  const contextFor = async (requestId: string, authorization: string | undefined): Promise<Context> => ({
    db,
    loaders: createCatalogLoaders(db.prisma),
    identify,
    models,
    predictionQueue,
    caller: await callerOf(authorization),
    requestId,
    log: log.child({ requestId }),
  });


  const graphql = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, config.MAX_BODY_BYTES);
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
          return;
        }
      } else body = text;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => contextFor(requestId, req.headers.authorization).catch(asHttpError),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  /** POST /identify (multipart upload): runs identifySpectrum and answers its GraphQL JSON. */
  const identifyUpload = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST a multipart form with a "file" field (curl -F file=@sample.xdi)' });
    let variables: Record<string, unknown>;
    try {
      variables = await identifyUploadVariables(req, url);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return sendJson(res, 400, { errors: [{ message: err.message, extensions: { code: 'BAD_USER_INPUT', field: err.field } }] });
    }
    let contextValue: Context;
    try {
      contextValue = await contextFor(requestId, req.headers.authorization);
    } catch (err) {
      if (!(err instanceof AccessError)) throw err;
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { errors: [{ message: err.message, extensions: { code: err.code } }] });
    }
    const response = await apollo.executeOperation({ query: IDENTIFY_QUERY, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('identify: unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    const status = errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT') ? 400 : errors ? 500 : 200;
    return sendJson(res, status, errors ? { data, errors } : { data });
  };

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async () => {
      switch (url.pathname) {
        case '/healthz':
          return sendJson(res, 200, { status: 'ok' });
        case '/readyz':
          try {
            const pending = await pendingMigrations(db.pool, MIGRATIONS_DIR);
            if (pending.length > 0) return sendJson(res, 503, { status: 'migrations pending', pending });
            return sendJson(res, 200, { status: 'ready' });
          } catch (err) {
            return sendJson(res, 503, { status: 'database unreachable', error: (err as Error).message });
          }
        case '/metrics':
          res.writeHead(200, { 'content-type': metricsRegistry.contentType });
          return res.end(await metricsRegistry.metrics());
        case '/identify':
          return identifyUpload(req, res, url, requestId);
        case '/':
        case '/graphql':
          return graphql(req, res, url, requestId);
        default:
          return sendJson(res, 404, { error: `no route ${url.pathname}: GraphQL is at /graphql` });
      }
    };
    handle()
      .catch((err: Error & { status?: number }) => {
        if (err.status === 413) {
          // Answer, then close the connection rather than read the rest of an oversized upload.
          res.setHeader('connection', 'close');
          res.once('finish', () => req.destroy());
          sendJson(res, 413, { errors: [{ message: `${err.message}: send a smaller request`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        } else {
          log.error({ err, requestId }, 'request failed');
          if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        }
      })
      .finally(() => {
        log.info({ requestId, method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const subscriptions = attachSubscriptions(server, schema, config, contextFor, formatError, log);

  return {
    server,
    apollo,
    async close() {
      await subscriptions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await identify.close();
      await worker?.stop();
      await predictionQueue.stop();
    },
  };
}
