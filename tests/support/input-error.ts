import { InputError } from '../../src/errors.ts';

/** The InputError `fn` throws (fails the test when it throws nothing or something else). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}
