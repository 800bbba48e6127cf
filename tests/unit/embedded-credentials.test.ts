// The embedded database's credentials file (src/db/embedded-credentials.ts) and the liveness rule (src/health.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CREDENTIALS_FILE, LEGACY_SUPERUSER, embeddedUrl, loadOrCreateEmbeddedCredentials, readEmbeddedCredentials } from '../../src/db/embedded-credentials.ts';
import type { EmbeddedDatabase } from '../../src/db/embedded.ts';
import { liveness } from '../../src/health.ts';
import { logger } from '../../src/logger.ts';

const log = logger.child({}, { level: 'silent' });
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-credentials-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('made once with random passwords, mode 0600, and read back the same', () => {
  expect(readEmbeddedCredentials(dir)).toBeNull();
  const made = loadOrCreateEmbeddedCredentials(dir, log);
  expect(fs.statSync(path.join(dir, CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
  expect(made.superuser.user).toBe('postgres');
  expect(made.service.user).toBe('xasgraph');
  expect(made.superuser.password).not.toBe(LEGACY_SUPERUSER.password);
  expect(made.superuser.password).not.toBe(made.service.password);
  expect(loadOrCreateEmbeddedCredentials(dir, log)).toEqual(made);
  expect(fs.readdirSync(dir)).toEqual([CREDENTIALS_FILE]); // no temporary file left
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-credentials-'));
  try {
    expect(loadOrCreateEmbeddedCredentials(other, log).service.password).not.toBe(made.service.password);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('a file others may read is made private again; a damaged one is an error that says what to do', () => {
  loadOrCreateEmbeddedCredentials(dir, log);
  const file = path.join(dir, CREDENTIALS_FILE);
  fs.chmodSync(file, 0o644);
  readEmbeddedCredentials(dir, log);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  fs.writeFileSync(file, '{"superuser":{}}');
  expect(() => readEmbeddedCredentials(dir, log)).toThrow(/lacks superuser, service or database: restore it from a backup/);
});

test('URLs quote what needs quoting', () => {
  expect(embeddedUrl({ user: 'xasgraph', password: 'a/b:c@d' }, 5432, 'xasgraph')).toBe('postgres://xasgraph:a%2Fb%3Ac%40d@127.0.0.1:5432/xasgraph');
});

test('liveness fails only when the embedded database has been down longer than the limit', () => {
  const down = (downSince: number | null): EmbeddedDatabase => ({
    url: '',
    stop: async () => undefined,
    health: () => ({ up: downSince === null, downSince, restarts: 0 }),
  });
  const now = 1_000_000;
  expect(liveness(null, 60, now).status).toBe(200); // DATABASE_URL: the database is someone else's
  expect(liveness(down(null), 60, now).status).toBe(200);
  expect(liveness(down(now - 30_000), 60, now)).toEqual({ status: 200, body: { status: 'ok', database: 'restarting', downSeconds: 30 } });
  expect(liveness(down(now - 61_000), 60, now)).toEqual({ status: 503, body: { status: 'embedded database down', downSeconds: 61, limitSeconds: 60 } });
});
