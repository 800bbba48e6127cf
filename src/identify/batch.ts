// The series rule of identifySpectra, apart from the ranking code so that the API's thread can check a series before
// splitting it across the identification threads without loading the methods.
import { InputError } from '../errors.ts';
import type { SpectrumInput } from './input.ts';

export const MAX_BATCH = 1000;

export function checkBatch(inputs: readonly SpectrumInput[]): void {
  if (inputs.length > MAX_BATCH) throw new InputError(`at most ${MAX_BATCH} spectra per call (got ${inputs.length}): split the series`, 'inputs');
}
