// What GraphQL over HTTP serves and what it refuses with a 4xx: subscriptions run over WebSocket only, and
// Apollo's own request errors (a persisted-query hash that does not match, an unsupported persisted-query
// version, …) keep their HTTP status and get a code instead of passing for internal errors.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** Refuses subscription operations sent over HTTP (POST or GET) with BAD_REQUEST (HTTP 400), saying where they run. */
export function subscriptionsOverWebSocketOnly<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('subscriptions run over WebSocket (graphql-ws protocol, ws://<host>/graphql), not over HTTP: open a WebSocket and subscribe there', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
      };
    },
  };
}

/** The HTTP status Apollo chose for a request-level error it raised itself without a code (4xx), else null. */
export function clientErrorStatus(error: unknown): number | null {
  if (!(error instanceof GraphQLError) || error.originalError != null) return null;
  const http = error.extensions?.['http'] as { status?: unknown } | undefined;
  const status = typeof http?.status === 'number' ? http.status : null;
  return status !== null && status >= 400 && status < 500 ? status : null;
}

/** The HTTP status of an answer whose GraphQL errors carry these codes (the first that is not 200 wins). */
export function httpStatusOfCodes(codes: readonly (string | undefined)[]): number {
  const statuses: Record<string, number> = {
    BAD_USER_INPUT: 400,
    BAD_REQUEST: 400,
    GRAPHQL_VALIDATION_FAILED: 400,
    GRAPHQL_PARSE_FAILED: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    PAYLOAD_TOO_LARGE: 413,
    RATE_LIMITED: 429,
    SERVICE_UNAVAILABLE: 503,
  };
  if (codes.length === 0) return 200;
  for (const code of codes) if (code !== undefined && statuses[code] !== undefined) return statuses[code]!;
  return 500;
}
