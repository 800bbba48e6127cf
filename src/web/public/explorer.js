// The GraphQL explorer at GET /graphql: GraphiQL 3 (UMD build, with React 18), every file from this service.
/* global React, ReactDOM, GraphiQL */
(function startExplorer() {
  const endpoint = new URL('/graphql', window.location.href);
  const subscriptions = new URL(endpoint.href);
  subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  const defaultQuery = [
    '# xasgraph GraphQL explorer (GraphiQL, served by this service: works offline).',
    '# Ctrl-Enter runs the query; the Docs button lists every type and field.',
    '# Mutations (predictSpectrum) need an API key: add {"Authorization": "Bearer xg_…"} under Headers.',
    '',
    'query FirstMaterials {',
    '  materials(filter: { absorbingElement: "Cu" }, first: 5) {',
    '    totalCount',
    '    edges { node { id formula spacegroupSymbol spectra(siteResolved: false) { id method } } }',
    '  }',
    '}',
    '',
  ].join('\n');
  // A link to /graphql?query=…&variables=… opens with that query (as GraphiQL has always done).
  const params = new URLSearchParams(window.location.search);
  const fetcher = GraphiQL.createFetcher({ url: endpoint.href, subscriptionUrl: subscriptions.href });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      query: params.get('query') ?? undefined,
      variables: params.get('variables') ?? undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
})();
