// Running one GraphQL operation on behalf of a plain HTTP request (the REST downloads): the same schema, context
// (API key, REQUIRE_KEY_FOR_READS, loaders) and error codes as /graphql, answered as an HTTP status and the data.
import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { AccessError } from '../auth/access.ts';
import { httpStatusOfCodes } from '../graphql/transport.ts';
import type { Context } from '../resolvers/context.ts';

/** The outcome of an operation: HTTP status (200, or the status of its errors' codes), data, and the first error's message. */
export interface OperationOutcome<TData> {
  status: number;
  data: TData | null;
  /** The first error's message, when there was one. */
  error: string | null;
}

/** Runs `query` with `variables` as the caller of `req` (its Authorization header). */
export type OperationRunner = <TData>(query: string, variables: Record<string, unknown>, req: http.IncomingMessage, requestId: string) => Promise<OperationOutcome<TData>>;

/** The context of one request (server.ts's `contextFor`): rejects with an AccessError for a bad or missing key. */
export type ContextFactory = (requestId: string, authorization: string | undefined) => Promise<Context>;

const codeOf = (error: GraphQLFormattedError): string | undefined => {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
};

/** An OperationRunner over the service's Apollo server and context factory. */
export function createOperationRunner(apollo: ApolloServer<Context>, contextFor: ContextFactory): OperationRunner {
  return async <TData>(query: string, variables: Record<string, unknown>, req: http.IncomingMessage, requestId: string): Promise<OperationOutcome<TData>> => {
    let contextValue: Context;
    try {
      contextValue = await contextFor(requestId, req.headers.authorization);
    } catch (err) {
      if (err instanceof AccessError) return { status: 401, data: null, error: err.message };
      throw err;
    }
    const response = await apollo.executeOperation<TData>({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('REST download: unexpected incremental GraphQL response');
    const { data, errors } = response.body.singleResult;
    return {
      status: httpStatusOfCodes((errors ?? []).map(codeOf)),
      data: data ?? null,
      error: errors?.[0]?.message ?? null,
    };
  };
}
