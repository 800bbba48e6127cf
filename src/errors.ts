// Errors a user can cause, independent of the transport: the GraphQL layer maps them to
// `extensions.code` (InputError → BAD_USER_INPUT, NotFoundError → NOT_FOUND), the CLIs print them.

/** The request is wrong; the message says what to fix. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    /** The argument or field at fault, e.g. `first`, `filter.formula`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request was cancelled (its client went away): nobody waits for the answer. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
