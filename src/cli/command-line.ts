// What the command-line tools share: parsing with node:util's parseArgs (positionals allowed), `-h/--help`
// printing the usage, and usage errors that print what is wrong plus the usage and exit with code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

export class CommandLine {
  constructor(
    /** The tool's name, first on every error line (`ingest: …`). */
    readonly tool: string,
    readonly usage: string,
  ) {}

  /** Say what is wrong, then the usage, on stderr; exit 2. */
  fail(message: string): never {
    console.error(`${this.tool}: ${message}\n\n${this.usage}`);
    process.exit(2);
  }

  /** parseArgs over `argv`; an unknown or malformed option is a usage error; `help: true` prints the usage and exits 0. */
  parse<O extends Options & { help: { type: 'boolean' } }>(argv: string[], options: O): Parsed<O> {
    let parsed: Parsed<O>;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options });
    } catch (err) {
      this.fail((err as Error).message);
    }
    if ((parsed.values as { help?: boolean }).help) {
      console.log(this.usage);
      process.exit(0);
    }
    return parsed;
  }
}
