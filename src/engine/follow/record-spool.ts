// The listener's queue on disk. While the case cannot take records as fast as the exporters send
// them (a burst, a slow disk, a detection run), decoded records beyond the in-memory bound go to a
// file beside the case, in arrival order, and are read back batch by batch as the writes catch
// up; once it is drained the file goes. Records are JSON lines (the 128-bit address numbers as
// decimal text); writes are buffered and flushed at each tick of the listener.
import fs from 'node:fs';
import path from 'node:path';
import type { LiveReject, LiveRow } from './live-import';

export type SpooledRecord = { flow: LiveRow } | { reject: LiveReject };

export class RecordSpool {
  private fd: number | null = null;
  private buffered: string[] = [];
  private writePos = 0;
  private readPos = 0;
  /** records on disk or buffered, not read back yet */
  count = 0;
  /** records that went through the spool since the start */
  total = 0;

  constructor(readonly file: string) {}

  get active(): boolean {
    return this.count > 0;
  }

  /** Bytes written and not read back yet. */
  get bytes(): number {
    return this.writePos - this.readPos + this.buffered.reduce((a, s) => a + s.length, 0);
  }

  append(r: SpooledRecord): void {
    this.buffered.push(
      JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n',
    );
    this.count++;
    this.total++;
    if (this.buffered.length >= 4096) this.flush();
  }

  /** Writes what is buffered (throws on a full disk: the caller counts the loss). */
  flush(): void {
    if (!this.buffered.length) return;
    if (this.fd === null) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'w+');
      this.writePos = this.readPos = 0;
    }
    const data = Buffer.from(this.buffered.join(''));
    this.buffered = [];
    fs.writeSync(this.fd, data, 0, data.length, this.writePos);
    this.writePos += data.length;
  }

  /** Up to `max` records in arrival order. */
  read(max: number): SpooledRecord[] {
    this.flush();
    const out: SpooledRecord[] = [];
    if (this.fd === null) return out;
    const buf = Buffer.allocUnsafe(1 << 20);
    while (out.length < max && this.readPos < this.writePos) {
      const n = fs.readSync(
        this.fd,
        buf,
        0,
        Math.min(buf.length, this.writePos - this.readPos),
        this.readPos,
      );
      let start = 0;
      while (out.length < max) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= n) break;
        out.push(revive(JSON.parse(buf.toString('utf8', start, nl)) as SpooledRecord));
        start = nl + 1;
      }
      if (start === 0)
        throw new Error(`${this.file}: a spooled record longer than 1 MB (a netsift bug)`);
      this.readPos += start;
    }
    this.count -= out.length;
    if (this.count === 0) this.reset();
    return out;
  }

  /** Removes the file (drained, or the listener stopped). */
  reset(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    fs.rmSync(this.file, { force: true });
    this.writePos = this.readPos = 0;
  }
}

function revive(r: SpooledRecord): SpooledRecord {
  if ('flow' in r) {
    r.flow.srcNum = BigInt(r.flow.srcNum as unknown as string);
    r.flow.dstNum = BigInt(r.flow.dstNum as unknown as string);
  }
  return r;
}
