// netsift serve: the workspace in a browser, over a loopback server with a random token.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { defaultOps, NetsiftError, NetsiftService } from '../../engine/index';
import { startServer } from '../server/http-server';
import { packageRoot } from '../server/package-root';

/** Longest a shutdown may take before the process exits regardless. */
const SHUTDOWN_MS = 10_000;

export const serveCommand: Command = {
  name: 'serve',
  synopsis: '[--case CASE] [--sample] [--grant DIR]... [--port N] [--open]',
  summary: 'open the workspace in a browser (loopback server on 127.0.0.1 with a token)',
  flags: {
    case: {
      type: 'string',
      description: 'case file to open (created when missing); the page may use it',
    },
    grant: {
      type: 'string[]',
      description:
        'folder (or file) the page may open, import from or save to, besides NETSIFT_HOME (repeatable)',
    },
    sample: {
      type: 'boolean',
      description: 'open the bundled sample capture (imported on first use)',
    },
    port: { type: 'number', description: 'port on 127.0.0.1 (0 = any free port)', default: 0 },
    open: { type: 'boolean', description: 'open the URL in the default browser' },
    threads: { type: 'number', description: 'DuckDB threads for the case' },
  },
  async run(args, io) {
    const root = packageRoot();
    const service = new NetsiftService({
      ops: defaultOps(),
      resourcesDir: path.join(root, 'resources'),
      threads: typeof args.flags.threads === 'number' ? args.flags.threads : undefined,
    });
    // the page names only paths the user granted here (src/engine/service/path-grants.ts)
    for (const dir of (args.flags.grant as string[] | undefined) ?? []) {
      if (!fs.existsSync(dir))
        throw new NetsiftError(`--grant ${dir}: no such file or folder`, 'usage');
      service.grant(dir);
    }
    const swept = service.sweepAtStart();
    if (swept.uploads.length || swept.temporaries.length)
      io.err(
        `netsift serve: removed ${swept.uploads.length} stale upload(s) and ${swept.temporaries.length} stale temporary case(s)`,
      );
    if (typeof args.flags.case === 'string') await service.openFile(service.grant(args.flags.case));
    else if (args.flags.sample) await service.openSample();
    const server = await startServer({
      service,
      rendererDir: path.join(root, 'out', 'renderer'),
      port: Number(args.flags.port ?? 0),
    });
    io.out(`netsift workspace: ${server.url}`);
    if (args.flags.open) openBrowser(server.url);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // Shutdown: stop taking requests, cancel jobs, interrupt running queries and close the case
    // once they stopped (closing DuckDB under a running query crashed or hung, issue 15). A
    // second signal, or a shutdown still not done after SHUTDOWN_MS, exits at once.
    io.err(`netsift serve: ${signal}, shutting down`);
    const force = (why: string) => {
      io.err(`netsift serve: ${why}; exiting now`);
      process.exit(1);
    };
    const timer = setTimeout(() => force(`shutdown not done after ${SHUTDOWN_MS / 1000} s`), SHUTDOWN_MS);
    timer.unref();
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => force(`second ${s}`));
    await server.close();
    await service.close();
    clearTimeout(timer);
    return 0;
  },
};

function openBrowser(url: string): void {
  const cmd =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { detached: true, stdio: 'ignore' })
      .on('error', () => undefined)
      .unref();
  } catch {
    // no browser to open: the URL is printed anyway
  }
}
