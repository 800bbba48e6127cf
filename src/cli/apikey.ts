// `npm run apikey -- <create|list|revoke> [options]`: manage the API keys of the configured database.
// `create` prints the new key once, alone on stdout (so `KEY=$(npm run -s apikey -- create …)` works); the
// database keeps only its hash. Exit code: 0 done, 1 failed, 2 usage error.
import { destination, pino } from 'pino';
import { ROLES } from '../auth/access.ts';
import { type ApiKeyInfo, checkKeyRequest, createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { CommandLine } from './command-line.ts';

const USAGE = `usage: npm run apikey -- <command> [options]

Manages API keys. Requests send a key as "Authorization: Bearer <key>": mutations that start work (predictions)
need a contributor or admin key; reads are open unless REQUIRE_KEY_FOR_READS=true, then any key reads.

commands:
  create --name <name> --role <role>   make a key and print it (once: only its hash is stored)
                                       roles: ${ROLES.join(', ')} (default contributor)
  list [--json]                        every key: name, role, start of the key, created, last used, revoked
  revoke --name <name>                 refuse the key from the next request on (the name stays taken)

options:
  -h, --help   show this text

The database is the one the service uses: DATABASE_URL, else the embedded PostgreSQL in XASGRAPH_DATA_DIR
(the one a running \`npm start\` serves, or started for the command).
exit code: 0 done, 1 failed, 2 usage error`;

const COMMANDS = ['create', 'list', 'revoke'] as const;
type Command = (typeof COMMANDS)[number];

interface Invocation {
  command: Command;
  name?: string;
  role: string;
  json: boolean;
}

// Typed explicitly so that TypeScript treats commandLine.fail(…) (returns never) as the end of the path.
const commandLine: CommandLine = new CommandLine('apikey', USAGE);

function parseCommandLine(argv: string[]): Invocation {
  const { values, positionals } = commandLine.parse(argv, {
    name: { type: 'string' },
    role: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const);
  if (positionals.length !== 1) commandLine.fail(positionals.length === 0 ? 'no command given' : `one command at a time; got ${positionals.join(' ')}`);
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) commandLine.fail(`unknown command "${command}": use ${COMMANDS.join(', ')}`);
  const invocation: Invocation = { command, role: values.role ?? 'contributor', json: values.json ?? false };
  if (values.name !== undefined) invocation.name = values.name;
  if (command !== 'list' && values.name === undefined) commandLine.fail(`${command} needs --name <name>`);
  if (command !== 'create' && values.role !== undefined) commandLine.fail('--role applies to create only');
  if (command !== 'list' && values.json) commandLine.fail('--json applies to list only');
  if (command === 'create') {
    try {
      checkKeyRequest(invocation.name!, invocation.role);
    } catch (err) {
      commandLine.fail((err as Error).message);
    }
  }
  return invocation;
}

const when = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '-');

/** Keys as an aligned text table. */
function formatTable(keys: ApiKeyInfo[]): string {
  const header = ['name', 'role', 'key', 'created', 'last used', 'revoked'];
  const rows = keys.map((k) => [k.name, k.role, `${k.prefix}_…`, when(k.createdAt), when(k.lastUsedAt), when(k.revokedAt)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const invocation = parseCommandLine(process.argv.slice(2));
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'xasgraph-apikey' } }, destination(2));
const db = await openDatabase(loadConfig(), log, { shareRunningEmbedded: true }).catch((err: Error) => {
  console.error(`apikey: cannot open the database: ${err.message}`);
  process.exit(1);
});
let exitCode = 0;
try {
  switch (invocation.command) {
    case 'create': {
      const { key, info } = await createApiKey(db.prisma, { name: invocation.name!, role: invocation.role });
      console.log(key);
      console.error(
        `apikey: created key "${info.name}" (role ${info.role}, starts ${info.prefix}_). This is the only time it is shown: ` +
          'store it now. Send it as "Authorization: Bearer <key>".',
      );
      break;
    }
    case 'list': {
      const keys = await listApiKeys(db.prisma);
      if (invocation.json) console.log(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) console.error('apikey: no keys yet (create one with `npm run apikey -- create --name <name> --role contributor`)');
      else console.log(formatTable(keys));
      break;
    }
    case 'revoke': {
      const revoked = await revokeApiKey(db.prisma, invocation.name!);
      if (revoked) {
        console.error(`apikey: revoked key "${revoked.name}" (${revoked.prefix}_…): it is refused from the next request on`);
      } else {
        exitCode = 1;
        console.error(`apikey: no active key named "${invocation.name}" (\`npm run apikey -- list\` shows the keys)`);
      }
      break;
    }
  }
} catch (err) {
  exitCode = 1;
  console.error(`apikey: ${invocation.command} failed: ${(err as Error).message}`);
} finally {
  await db.close();
}
process.exit(exitCode);
