// GraphQL subscriptions over WebSocket (graphql-ws protocol, `ws://host:port/graphql`), on the HTTP server that
// serves queries and mutations: the same schema, the same per-request context (with the caller of the upgrade
// request's `Authorization` header, or of the connection_init payload's `authorization`), the same depth and cost
// limits, and errors formatted as over HTTP.
import crypto from 'node:crypto';
import type http from 'node:http';
import { type GraphQLFormattedError, GraphQLError, type GraphQLSchema, getOperationAST, parse, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Context } from '../resolvers/context.ts';
import { measureQuery } from './limits.ts';
import { originAllowed } from './request-policy.ts';

export interface SubscriptionServer {
  /** Close every subscription and socket. */
  close(): Promise<void>;
}

/** Depth and cost limit violations of an operation, as messages. */
function limitErrors(config: Pick<Config, 'MAX_QUERY_DEPTH' | 'MAX_QUERY_COST'>, measured: { depth: number; cost: number }): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (measured.depth > config.MAX_QUERY_DEPTH) {
    errors.push(new GraphQLError(`query depth ${measured.depth} exceeds the limit of ${config.MAX_QUERY_DEPTH}: nest fewer fields`, { extensions: { code: 'BAD_USER_INPUT' } }));
  }
  if (measured.cost > config.MAX_QUERY_COST) {
    errors.push(new GraphQLError(`query cost ${measured.cost} exceeds the limit of ${config.MAX_QUERY_COST}: ask for fewer nested lists or fewer spectra and structures`, { extensions: { code: 'BAD_USER_INPUT' } }));
  }
  return errors;
}

export function attachSubscriptions(
  server: http.Server,
  schema: GraphQLSchema,
  config: Pick<Config, 'MAX_QUERY_DEPTH' | 'MAX_QUERY_COST' | 'MAX_BODY_BYTES' | 'ALLOWED_ORIGINS'>,
  contextFor: (requestId: string, authorization: string | undefined) => Promise<Context>,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  log: Logger,
): SubscriptionServer {
  // Messages share the HTTP body limit (a larger one closes the socket, code 1009); pages of other origins may not
  // open one (the rule of src/graphql/request-policy.ts; a page cannot add headers to a WebSocket handshake).
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: config.MAX_BODY_BYTES,
    verifyClient: ({ req }, done) => {
      if (originAllowed(req, config.ALLOWED_ORIGINS)) done(true);
      else done(false, 403, 'WebSockets from pages of other origins are refused (ALLOWED_ORIGINS lists those accepted)');
    },
  });
  const cleanup = useServer(
    {
      schema,
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('no operation to run: name one with operationName')];
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        const tooMuch = limitErrors(config, measureQuery(document, operation, variables));
        if (tooMuch.length > 0) return tooMuch;
        return { schema, document, operationName: payload.operationName, variableValues: variables };
      },
      context: (ctx) => {
        const fromInit = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        const authorization = typeof fromInit === 'string' ? fromInit : ctx.extra.request.headers.authorization;
        return contextFor(crypto.randomUUID(), authorization);
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wss,
  );
  wss.on('error', (err) => log.error({ err }, 'WebSocket server error'));
  return {
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
