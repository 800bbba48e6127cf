// Worker threads on TypeScript modules. A worker does not inherit the main thread's `--import tsx`, so it first
// registers tsx's loader, then imports the module. Used for everything that must stay off the API's event loop
// (identification, inference).
import { Worker } from 'node:worker_threads';

/** Start a worker thread running the TypeScript module at `moduleUrl` (a file: URL) with `workerData`. */
export function startTypeScriptWorker(moduleUrl: string, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
