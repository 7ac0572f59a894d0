// netsift command line: dispatches to src/cli/commands/*. Exit codes: 0 done, 1 unreadable input
// or failed job, 2 usage error.
import { parseArgs, usageText } from './args';
import type { CliIO } from './command';
import { COMMANDS } from './commands/index';
import { nearest, NetsiftError } from '../engine/index';
import { NETSIFT_VERSION } from '../shared/version';

const io: CliIO = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  progress: (l) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${l}`);
  },
};

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `netsift ${NETSIFT_VERSION}: investigate network flow data`,
    '',
    'usage: netsift <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'netsift <command> --help for its options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.out(NETSIFT_VERSION);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const near = nearest(
      name,
      COMMANDS.map((c) => c.name),
      { prefixes: true },
    );
    io.err(
      `netsift: unknown command "${name}"${near ? ` (did you mean "netsift ${near}"?)` : ''}\n\n${help()}`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usageText(cmd.name, cmd.synopsis, cmd.flags));
    return 0;
  }
  // one "netsift <command>: " before every message, whether or not the thrower added its own
  const prefix = `netsift ${cmd.name}: `;
  try {
    return await cmd.run(parseArgs(rest, cmd.flags), io);
  } catch (e) {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    if (e instanceof NetsiftError) {
      io.err(
        `${prefix}${e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message}`,
      );
      if (e.code === 'usage') io.err(usageText(cmd.name, cmd.synopsis, cmd.flags));
      return e.code === 'usage' ? 2 : 1;
    }
    io.err(`netsift ${cmd.name}: internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

// Run when executed directly (bundled CLI or `node --import tsx src/cli/main.ts`).
const entry = process.argv[1] ?? '';
if (/(?:cli[\\/]main\.ts|cli[\\/]netsift\.mjs)$/.test(entry)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String(e) + '\n');
      process.exit(1);
    },
  );
}
