// Rows of the temporary case as a CSV byte stream for ClickHouse, written by DuckDB's own COPY
// (C++; NULL as \N) into a named pipe that the insert request reads while DuckDB writes: no
// per-value conversion in JavaScript and nothing on disk. Where mkfifo is missing (Windows) the
// CSV goes to a temporary file first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { CaseStore } from '../../store/case-store';
import { literal } from '../../store/sql';

export interface CopyStream {
  /** The CSV bytes; newline-counted for progress. */
  body: Readable;
  /** Settles when DuckDB finished writing (rejects if it failed or was interrupted). */
  written: Promise<void>;
  /** Stops DuckDB (e.g. the insert failed and nobody reads any more). */
  stop(): void;
}

function makeFifo(file: string): boolean {
  try {
    execFileSync('mkfifo', ['-m', '600', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Streams `SELECT ...` (our SQL, over the temp case) as CSV; onLines counts rows seen. */
export async function copyStream(
  tmp: CaseStore,
  select: string,
  dir: string,
  name: string,
  onLines?: (n: number) => void,
): Promise<CopyStream> {
  const file = path.join(dir, `${name}.csv`);
  const fifo = makeFifo(file);
  const conn = await tmp.connect();
  const copy = async (): Promise<void> => {
    await conn.run(
      `COPY (${select}) TO ${literal(file)} (FORMAT csv, HEADER false, NULLSTR '\\N')`,
    );
  };
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let n = 0;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
      lines += n;
      onLines?.(lines);
      cb(null, chunk);
    },
  });
  let written: Promise<void>;
  let reader: fs.ReadStream;
  if (fifo) {
    reader = fs.createReadStream(file); // opens once DuckDB opens the pipe for writing
    written = copy().catch((e: unknown) => {
      // DuckDB failed before or while writing: make sure the reader sees an end
      fs.open(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK, (err, fd) => {
        if (!err) fs.close(fd, () => undefined);
      });
      throw e;
    });
    reader.on('error', (e) => counter.destroy(e));
    reader.pipe(counter);
  } else {
    await copy();
    written = Promise.resolve();
    reader = fs.createReadStream(file);
    reader.on('error', (e) => counter.destroy(e));
    reader.pipe(counter);
  }
  const done = written.finally(() => {
    conn.closeSync();
  });
  done.catch(() => undefined); // awaited by the caller; never an unhandled rejection
  return {
    body: counter,
    written: done,
    // closing our end of the pipe fails DuckDB's next write (EPIPE); an interrupt alone would
    // not wake a write blocked on a full pipe
    stop: () => {
      try {
        conn.interrupt();
      } catch {
        // already closed
      }
      reader.destroy();
      counter.destroy();
      fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK, (err, fd) => {
        // a writer still waiting for a reader to open the pipe gets one that closes at once
        if (!err) fs.close(fd, () => undefined);
      });
    },
  };
}
