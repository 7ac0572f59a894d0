// A text file written as byte chunks in large chunks with backpressure (and gzip when the name ends in .gz),
// so a 10M-flow capture streams to disk in bounded memory.
import fs from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Writable } from 'node:stream';
import zlib from 'node:zlib';

export class TextOut {
  private readonly head: Writable;
  private readonly done: Promise<void>;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    const file = fs.createWriteStream(path, { highWaterMark: 1 << 20 });
    if (path.endsWith('.gz')) {
      const pass = new PassThrough({ highWaterMark: 1 << 20 });
      this.head = pass;
      this.done = pipeline(pass, zlib.createGzip({ level: 6 }), file);
    } else {
      this.head = file;
      this.done = once(file, 'finish').then(() => undefined);
    }
    this.done.catch((e: Error) => (this.failure = e));
    file.on('error', (e) => (this.failure = e));
  }

  /** Writes chunks; resolves once the stream can take more. */
  async write(chunks: Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      if (this.failure) throw this.failure;
      if (chunk.length === 0) continue;
      if (!this.head.write(chunk)) {
        await Promise.race([once(this.head, 'drain'), this.done]);
        if (this.failure) throw this.failure;
      }
    }
  }

  async close(): Promise<void> {
    this.head.end();
    await this.done;
    if (this.failure) throw this.failure;
  }
}
