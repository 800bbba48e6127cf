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
import type { EmbeddedDatabase } from './db/embedded.ts';
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from './db/unavailable.ts';
import { liveness, readiness } from './health.ts';
import { CancelledError, InputError, NotFoundError } from './errors.ts';
import { IdentifyPool } from './identify/pool.ts';
import { identifyUploadOperation } from './identify/upload.ts';
import { registerModels } from './inference/registry.ts';
import { guardArguments } from './graphql/argument-checks.ts';
import { IDENTIFY_COST, measureQuery, PREDICT_COST } from './graphql/limits.ts';
import { clientErrorStatus, httpStatusOfCodes, subscriptionsOverWebSocketOnly } from './graphql/transport.ts';
import { clientGoneSignal, crossSiteRefusal, isJsonContentType } from './graphql/request-policy.ts';
import { PreparePool } from './jobs/prepare-pool.ts';
import { attachSubscriptions } from './graphql/subscriptions.ts';
import { PredictionQueue } from './jobs/queue.ts';
import { PredictionWorker } from './jobs/worker.ts';
import type { Logger } from './logger.ts';
import { metricsRegistry } from './metrics.ts';
import type { Context } from './resolvers/context.ts';
import { resolvers } from './resolvers/index.ts';
import { createOperationRunner } from './web/operations.ts';
import { createWebRoutes } from './web/routes.ts';

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
  if (isDatabaseUnavailable(original) || isDatabaseUnavailable(error)) {
    // The database is down or restarting: retryable, not a bug (src/db/unavailable.ts).
    return { message: SERVICE_UNAVAILABLE_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS } };
  }
  const code = formatted.extensions?.code;
  if (clientErrorStatus(error) !== null && (code === 'INTERNAL_SERVER_ERROR' || code === undefined)) {
    // Apollo's own refusal of the request (a persisted-query hash that does not match its query, …): the client's to fix.
    return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
  }
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
              `query cost ${cost} exceeds the limit of ${config.MAX_QUERY_COST}: ask for smaller pages ("first"), fewer nested lists, or fewer spectra or structures (each costs ${IDENTIFY_COST} or ${PREDICT_COST}, and every alias counts)`,
              { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
            );
          }
        },
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof CancelledError) continue; // the client went away: nobody to answer, nothing failed
            if (!(original instanceof InputError || original instanceof NotFoundError || original instanceof AccessError) && !error.extensions?.code) {
              contextValue.log.error({ err: original }, 'resolver failed');
            }
          }
        },
      };
    },
  };
}

/** An answer whose every error is SERVICE_UNAVAILABLE gets HTTP 503 and Retry-After: the whole request may be retried. */
function serviceUnavailableStatus(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.length || !errors.every((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/** An error from context creation as the GraphQLError Apollo answers with: an AccessError is HTTP 401 and its code, an unreachable database (the key lookup) 503. */
function asHttpError(err: unknown): never {
  if (isDatabaseUnavailable(err)) {
    throw new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
      originalError: err instanceof Error ? err : undefined,
      extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) } },
    });
  }
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

/** `db.embedded`: the embedded server this process runs, if any (its health is part of /healthz and /readyz). */
export async function createServer(config: Config, db: Database & { embedded?: EmbeddedDatabase | null }, log: Logger): Promise<AppServer> {
  const models = await registerModels(db.prisma, config, log);
  const schema = guardArguments(makeExecutableSchema<Context>({ typeDefs: loadTypeDefs(), resolvers }));
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // src/main.ts stops the server, then the database, in order
    introspection: config.INTROSPECTION,
    plugins: [limitsPlugin(config), subscriptionsOverWebSocketOnly<Context>(), serviceUnavailableStatus()],
  });
  await apollo.start();
  const identify = new IdentifyPool(db.url, log, config.IDENTIFY_THREADS);
  // The job queue (submission, and supervision: dead workers' jobs go back to the queue), and with START_WORKER a
  // prediction worker in this process, its inference on a worker thread (src/jobs/worker.ts).
  const predictionQueue = await PredictionQueue.start(db.url, log);
  const worker = config.START_WORKER ? await PredictionWorker.start({ queue: predictionQueue, pool: db.pool, models: models.models, config, log }) : null;
  const prepare = new PreparePool(log);
  const authenticator = new ApiKeyAuthenticator(db.prisma, log);
  configureMutationRateLimit(config.MUTATION_RATE_LIMIT);
  /** The request's caller from its Authorization header; AccessError (UNAUTHENTICATED) for a bad key, or for none with REQUIRE_KEY_FOR_READS. */
  const callerOf = async (authorization: string | undefined): Promise<Caller | null> => {
    const caller = await authenticator.authenticate(authorization);
    return config.REQUIRE_KEY_FOR_READS ? requireReader(caller) : caller;
  };
  const contextFor = async (requestId: string, authorization: string | undefined, signal: AbortSignal = new AbortController().signal): Promise<Context> => ({
    db,
    loaders: createCatalogLoaders(db.prisma),
    identify,
    models,
    predictionQueue,
    prepareStructures: prepare.prepare,
    signal,
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
      if (isJsonContentType(headers.get('content-type'))) {
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
      context: () => contextFor(requestId, req.headers.authorization, clientGoneSignal(res)).catch(asHttpError),
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
    const crossSite = crossSiteRefusal(req, config.ALLOWED_ORIGINS);
    if (crossSite) return sendJson(res, 400, { errors: [{ message: crossSite, extensions: { code: 'BAD_REQUEST' } }] });
    let operation: { query: string; variables: Record<string, unknown> };
    try {
      operation = await identifyUploadOperation(req, url);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return sendJson(res, 400, { errors: [{ message: err.message, extensions: { code: 'BAD_USER_INPUT', field: err.field } }] });
    }
    let contextValue: Context;
    try {
      contextValue = await contextFor(requestId, req.headers.authorization, clientGoneSignal(res));
    } catch (err) {
      if (!(err instanceof AccessError)) throw err;
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { errors: [{ message: err.message, extensions: { code: err.code } }] });
    }
    const response = await apollo.executeOperation(operation, { contextValue });
    if (response.body.kind !== 'single') throw new Error('identify: unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    const status = httpStatusOfCodes((errors ?? []).map((e) => e.extensions?.code as string | undefined));
    return sendJson(res, status, errors ? { data, errors } : { data });
  };

  // The web page at /, its assets, the offline explorer at GET /graphql, REST downloads and CORS (src/web/).
  const web = createWebRoutes(config, createOperationRunner(apollo, contextFor));

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async () => {
      if (await web.handle(req, res, url, requestId)) return;
      switch (url.pathname) {
        case '/healthz': {
          const answer = liveness(db.embedded ?? null, config.EMBEDDED_PG_MAX_DOWN_SECONDS);
          return sendJson(res, answer.status, answer.body);
        }
        case '/readyz': {
          const answer = await readiness(db.pool, db.embedded ?? null, log);
          return sendJson(res, answer.status, answer.body);
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
        } else if (isDatabaseUnavailable(err)) {
          log.warn({ err, requestId }, 'request failed: the database is unavailable');
          if (!res.headersSent) {
            res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
            sendJson(res, 503, { errors: [{ message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS } }] });
          }
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
      await prepare.close();
      await worker?.stop();
      await predictionQueue.stop();
    },
  };
}
