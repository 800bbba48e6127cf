// The suite that needs Debian's Python (/usr/bin/python3 with python3-numpy, -torch, -onnx, -pymatgen, -xraylarch):
// parity of our code with the Python it mirrors, and the training scripts. `npm run test:python`; `.ci/run` installs
// the packages first. Same setup as `npm test` (jest.config.js): the pymatgen test queries the running service.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default { ...base, testMatch: ['<rootDir>/tests/python/**/*.test.ts'], testTimeout: 300000 };
