// Which failures are "the database is unavailable" (answered SERVICE_UNAVAILABLE) and which are not (src/db/unavailable.ts).
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:54329`), { code, errno: -111, syscall: 'connect' });
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

test.each([
  ['a refused connection', socketError('ECONNREFUSED')],
  ['a reset connection', socketError('ECONNRESET')],
  ['node-postgres: the socket ended under a query', new Error('Connection terminated unexpectedly')],
  ['57P01 admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
  ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
  ['08006 connection_failure', pgError('08006', 'connection failure')],
  ['Prisma P1001', Object.assign(new Error("Can't reach database server"), { code: 'P1001' })],
  [
    'Prisma wrapping the adapter error in meta.driverAdapterError (57P03 during recovery)',
    Object.assign(new Error('Invalid `prisma.material.count()` invocation'), {
      code: 'P2039',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '57P03', originalCode: '57P03' } } },
    }),
  ],
  ['the adapter kind DatabaseNotReachable', { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 54329 } }],
  ['a GraphQL error whose originalError is a refused connection', { message: 'x', originalError: socketError('ECONNREFUSED') }],
])('%s is unavailability', (_, err) => {
  expect(isDatabaseUnavailable(err)).toBe(true);
});

test.each([
  ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
  ['an invalid byte sequence (a client sent NUL)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
  ['a missing file', Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ['a non-error', 'boom'],
  ['a cycle of causes', (() => { const e: { message: string; cause?: unknown } = { message: 'loop' }; e.cause = e; return e; })()],
])('%s is not', (_, err) => {
  expect(isDatabaseUnavailable(err)).toBe(false);
});
