// Talking to this service: GraphQL over HTTP (same origin, JSON body), and reading a chosen file the way
// SpectrumInput.file / StructureInput.file take it (text, or base64 for gzip and other binary content).

/** Runs a GraphQL operation; resolves to its data, rejects with the errors' messages. `apiKey` adds Authorization. */
export async function graphql(query, variables = {}, { apiKey } = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  let response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (err) {
    throw new Error(`the service did not answer (${err.message}); is it running?`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the service answered HTTP ${response.status} without a GraphQL result`);
  }
  if (body.errors && body.errors.length > 0) {
    const error = new Error(body.errors.map((e) => e.message).join('\n'));
    error.codes = body.errors.map((e) => e.extensions && e.extensions.code);
    throw error;
  }
  return body.data;
}

const GZIP = [0x1f, 0x8b];

/** Whether the bytes look like text (UTF-8 without NUL bytes in the first 4 kB). */
function looksLikeText(bytes) {
  const head = bytes.subarray(0, 4096);
  return !head.includes(0);
}

/** The file's content as the API takes it: text, or base64 for gzip and other binary files. */
export async function fileContent(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if ((bytes[0] === GZIP[0] && bytes[1] === GZIP[1]) || !looksLikeText(bytes)) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }
  return new TextDecoder('utf-8').decode(bytes);
}
