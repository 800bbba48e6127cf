// Reading the JSON of plain HTTP answers in tests (fetch types its body as unknown).

/** The `error` message of a JSON `{ "error": … }` answer (downloads, CORS refusals, unknown routes). */
export async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

/** The body of a JSON answer, as the test expects it to be. */
export async function jsonOf<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
