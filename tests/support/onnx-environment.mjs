// Jest's node environment with the host's typed-array constructors, for test files that run ONNX Runtime
// (`@jest-environment <rootDir>/tests/support/onnx-environment.mjs` in their first comment). onnxruntime-node
// returns its outputs as the host realm's Float32Array, and onnxruntime-common, loaded in the test's own realm,
// refuses them ("A float32 tensor's data must be type of function Float32Array()"): jest's realms differ
// (jestjs/jest#2549). Sharing the constructors makes both realms agree.
import NodeEnvironment from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

export default class OnnxEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}
