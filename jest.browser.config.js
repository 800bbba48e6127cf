// The browser suite: the web page at / and the explorer at /graphql driven in Debian's chromium (headless, through
// playwright-core; the network to anything but the service blocked). `npm run test:browser`; `.ci/run` installs
// chromium first. Same setup as `npm test` (jest.config.js): the suite starts its own service.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default { ...base, testMatch: ['<rootDir>/tests/browser/**/*.test.ts'], testTimeout: 180000, maxWorkers: 1 };
