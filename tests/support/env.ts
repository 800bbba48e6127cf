// What the jest global setup publishes to the test files (through the environment).
export interface TestEnvironment {
  /** GraphQL endpoint of the service under test. */
  graphqlUrl: string;
  /** Base URL of the service (for /healthz, /readyz, /metrics). */
  baseUrl: string;
  /** The service's database (migrated and seeded), as the service's own role; tests may add rows of their own and remove them. */
  databaseUrl: string;
  /** A URL on the same server to create and drop scratch databases (embedded: its superuser, from the credentials file). */
  adminUrl: string;
  /** `embedded`: the service started its own PostgreSQL; `external`: DATABASE_URL was given. */
  mode: 'embedded' | 'external';
  /** The service's XASGRAPH_DATA_DIR (in external mode it must never be created). */
  dataDir: string;
  /** The service's MODELS_DIR (tests/support/models.ts: the repository's models, the fixture, a tampered one). */
  modelsDir: string;
}

export function testEnvironment(): TestEnvironment {
  const raw = process.env.XASGRAPH_TEST_ENV;
  if (!raw) throw new Error('XASGRAPH_TEST_ENV is not set: run the tests with `npm test` (jest global setup starts the service)');
  return JSON.parse(raw) as TestEnvironment;
}

/** POST a GraphQL query (with extra request `headers`, e.g. `authorization`); returns the parsed body and the HTTP status. */
export async function graphql<T = any>(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  url: string = testEnvironment().graphqlUrl,
): Promise<{ status: number; body: { data?: T; errors?: any[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: any[] } };
}
