// Follows one growing text file (Zeek conn.log, an Argus or nfdump CSV, a seed CSV) and imports
// its lines as they are appended, as one live import per file generation. Rules:
// - Only complete lines are read: bytes after the last newline (a record still being written)
//   wait for their newline. A batch is written every batchSeconds or once batchBytes of complete
//   lines wait; a burst is read from the file batch after batch (the file itself is the queue).
// - Every line is a flow or a reject with its line number in the file: each batch is a chunk of
//   the file's header lines plus the new lines, read by the format's own reader (chunk-stage.ts).
// - Rotation (the path now names another file: Zeek, logrotate): the old file is read to its end
//   through the descriptor we hold; once no process holds it open for writing and it has stopped
//   changing, its last line is taken even without a newline (the file is finished, as an import of
//   the whole file would take it), its import is closed, and the new file is followed from its
//   first byte as a new import.
// - Truncation (copytruncate) or a rewrite (the first bytes changed): what was imported stays, the
//   import is closed ("truncated"/"rewritten" in its details) and the new content is followed from
//   its first byte as a new import. An unfinished line cut away is counted, never imported.
// - Stop: the complete lines read are written; an unfinished last line is left for the next run.
//   Following the same file again resumes its import where it stopped when the file is the same
//   (device, inode and first bytes); size and sha256 of the import are those of the bytes imported.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { JobContext } from '../core/job';
import { pickFormat } from '../import/pipeline';
import { LineCounter } from '../import/scan-file';
import { explainUnknown, looksBinary } from '../import/sample';
import type { TimeWindow } from '../import/time-window';
import type { FileSample, FormatImporter, ImportOptions } from '../import/types';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { stageChunk } from './chunk-stage';
import { LiveImport, type BatchResult, type BeforeCommit } from './live-import';
import { nameOfOpenFile, openWriters } from './open-writers';
import { TAIL_RULES, headerLineCount, type TailRule } from './file-rules';
import type { WriteGate } from './write-gate';

const NL = 0x0a;
const PREFIX_BYTES = 4096;
const SAMPLE_BYTES = 64 * 1024;

export interface GrowingFileOptions {
  format?: string;
  importOptions: ImportOptions & { tz: string; timeWindow?: TimeWindow };
  /** where chunk files are written (the follower's spool beside the case) */
  spoolDir: string;
  batchSeconds: number;
  batchBytes: number;
  /** a rotated-away file is finished once unchanged this long with no writer */
  settleMs: number;
  gate: WriteGate;
  beforeCommit?: BeforeCommit;
  job: JobContext;
  /** take up an earlier import of the same file where it stopped */
  resume: boolean;
  note(e: string): void;
  /** how often the file's size is sampled while a batch is written (ms; 0: not), for the lag */
  sampleMs?: number;
}

export interface GrowingFileStatus {
  path: string;
  format: string | null;
  generation: number;
  importId: number | null;
  /** bytes of the current file imported (complete lines) */
  offset: number;
  /** the file's size now */
  size: number;
  /** lines imported from the current file (header lines included) */
  lines: number;
  /** complete lines read but not yet written, in bytes */
  pendingBytes: number;
  /** bytes after the last newline: a record still being written */
  partialBytes: number;
  /** when the oldest data not yet imported was first seen (ms since the epoch), null: caught up */
  behindSince: number | null;
  /** imports closed by rotation or truncation, oldest first */
  closedImports: { importId: number; endedBy: string }[];
  flows: number;
  rejects: number;
}

interface Generation {
  n: number;
  fd: number;
  dev: number;
  ino: number;
  /** bytes hashed and imported (through the end of the last complete line written) */
  offset: number;
  /** bytes read from the file so far (offset + pending + partial) */
  readPos: number;
  /** complete lines read but not written */
  pending: Buffer[];
  pendingBytes: number;
  pendingLines: number;
  partial: Buffer;
  hash: Hash;
  prefix: Buffer;
  /** physical lines consumed (written), header included */
  lines: number;
  header: { lines: number; bytes: Buffer } | null;
  format: FormatImporter | null;
  rule: TailRule | null;
  sample: FileSample | null;
  readerDetails: Record<string, unknown>;
  blank: LineCounter;
  /** in the trailer (nfdump's Summary block): no more data lines */
  trailer: boolean;
  trailerLines: number;
  live: LiveImport | null;
  started: string;
  lastBatch: number;
  behindSince: number | null;
  /**
   * Sizes the file was seen to reach and when (one per step that saw it grow): the oldest byte
   * not imported yet arrived no later than the first mark past the offset, so the lag is
   * measured from there (to the poll interval).
   */
  marks: { size: number; at: number }[];
  /** rotated away: the time its size last changed */
  rotatedAt: number | null;
  lastSize: number;
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(NL); i >= 0; i = b.indexOf(NL, i + 1)) n++;
  return n;
}

/** The first n lines of b, exactly as stored (line endings included). */
function firstLines(b: Buffer, n: number): Buffer {
  let end = 0;
  for (let i = 0; i < n; i++) end = b.indexOf(NL, end) + 1;
  return Buffer.from(b.subarray(0, end));
}

function splitLines(b: Buffer): string[] {
  const parts = b.toString('utf8').split('\n');
  parts.pop(); // after the last newline
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export class GrowingFile {
  private gen: Generation | null = null;
  private nextGen = 1;
  private readonly closed: { importId: number; endedBy: string }[] = [];
  private flows = 0;
  private rejects = 0;
  private lastSize = 0;
  private resumeTried = false;
  /** samples the file's size while a batch is being written, for the lag (see marks) */
  private sizeTimer: NodeJS.Timeout | null = null;
  /** where the file stood when following stopped */
  private final: GrowingFileStatus | null = null;

  constructor(
    private readonly store: CaseStore,
    readonly path: string,
    private readonly opts: GrowingFileOptions,
  ) {}

  status(): GrowingFileStatus {
    if (!this.gen && this.final) return { ...this.final, closedImports: [...this.closed] };
    const g = this.gen;
    if (g && this.opts.sampleMs !== 0) {
      // as it stands now, not as the last step saw it (a step can take seconds)
      const size = this.sampleSize();
      if (size !== null) {
        this.lastSize = Math.max(this.lastSize, size);
        this.updateBehind(g, size);
      }
    }
    return {
      path: this.path,
      format: g?.format?.id ?? null,
      generation: g?.n ?? this.nextGen - 1,
      importId: g?.live?.id ?? null,
      offset: g?.offset ?? 0,
      size: this.lastSize,
      lines: g?.lines ?? 0,
      pendingBytes: g?.pendingBytes ?? 0,
      partialBytes: g?.partial.length ?? 0,
      behindSince: g?.behindSince ?? null,
      closedImports: [...this.closed],
      flows: this.flows,
      rejects: this.rejects,
    };
  }

  /**
   * One step: notices rotation and truncation, reads what was appended, writes a batch when one
   * is due. Returns the batches written (empty: nothing to do now) and whether more is waiting.
   */
  async step(now = Date.now()): Promise<{ batches: BatchResult[]; more: boolean }> {
    const batches: BatchResult[] = [];
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(this.path);
    } catch {
      st = null; // removed or between a rotation's rename and the new file
    }
    if (st && !st.isFile())
      throw new NetsiftError(`${this.path}: not a regular file; cannot follow it`, 'input');
    if (!this.gen) {
      if (!st) return { batches, more: false };
      await this.open(st, now);
    }
    const g = this.gen!;
    const rotated = !st || st.ino !== g.ino || st.dev !== g.dev;
    const fst = fs.fstatSync(g.fd);
    this.lastSize = fst.size;
    if (!rotated && (fst.size < g.readPos || !this.samePrefix(g, fst.size))) {
      const how = fst.size < g.readPos ? 'truncated' : 'rewritten';
      const b = await this.writePending(g, now, true);
      if (b) batches.push(b);
      await this.endGeneration(g, how, `${how} at ${fst.size} bytes after ${g.readPos} were read`);
      // the same file, new content: follow it from its first byte
      await this.open(fs.statSync(this.path), now, g.fd);
      return { batches, more: true };
    }
    const more = this.read(g, fst.size, now);
    if (rotated) {
      if (fst.size !== g.lastSize || g.rotatedAt === null) {
        g.rotatedAt = now;
        g.lastSize = fst.size;
      }
      // the old file is finished when nothing writes it any more and it stopped changing
      if (!more && now - g.rotatedAt >= this.opts.settleMs && !this.heldForWriting(g)) {
        if (g.partial.length) {
          g.pending.push(g.partial);
          g.pendingBytes += g.partial.length;
          g.pendingLines++;
          g.partial = Buffer.alloc(0);
        }
        const b = await this.writePending(g, now, true);
        if (b) batches.push(b);
        await this.endGeneration(g, 'rotated', null);
        fs.closeSync(g.fd);
        this.gen = null;
        return { batches, more: !!st };
      }
    }
    if (
      g.pendingBytes >= this.opts.batchBytes ||
      (g.pendingBytes > 0 && now - g.lastBatch >= this.opts.batchSeconds * 1000)
    ) {
      const b = await this.writePending(g, now, false);
      if (b) batches.push(b);
    }
    return { batches, more: more || g.pendingBytes >= this.opts.batchBytes };
  }

  /**
   * Writes the complete lines read (unless `write` is false: a limit refused them) and closes the
   * current import (the follower stops).
   */
  async finish(reason: string, write = true): Promise<BatchResult | null> {
    const g = this.gen;
    if (!g) return null;
    let b: BatchResult | null = null;
    if (write) {
      this.read(g, fs.fstatSync(g.fd).size, Date.now());
      b = await this.writePending(g, Date.now(), true);
    }
    await this.endGeneration(g, null, null, reason);
    this.final = { ...this.status(), behindSince: null };
    this.stopSampling();
    fs.closeSync(g.fd);
    this.gen = null;
    return b;
  }

  /** Closes without writing what is pending (a second Ctrl-C, an error). */
  abandon(): void {
    this.stopSampling();
    const g = this.gen;
    if (!g) return;
    g.live?.close();
    try {
      fs.closeSync(g.fd);
    } catch {
      // closed already
    }
    this.gen = null;
  }

  private heldForWriting(g: Generation): boolean {
    const name = nameOfOpenFile(g.fd);
    if (!name || name.endsWith(' (deleted)')) return false;
    return (openWriters([name]).writers.get(name)?.length ?? 0) > 0;
  }

  private samePrefix(g: Generation, size: number): boolean {
    const n = Math.min(g.prefix.length, size);
    if (n === 0) return true;
    const buf = Buffer.alloc(n);
    fs.readSync(g.fd, buf, 0, n, 0);
    return buf.equals(g.prefix.subarray(0, n));
  }

  private async open(st: fs.Stats, now: number, reuseFd?: number): Promise<void> {
    const fd = reuseFd ?? fs.openSync(this.path, 'r');
    const g: Generation = {
      n: this.nextGen++,
      fd,
      dev: st.dev,
      ino: st.ino,
      offset: 0,
      readPos: 0,
      pending: [],
      pendingBytes: 0,
      pendingLines: 0,
      partial: Buffer.alloc(0),
      hash: createHash('sha256'),
      prefix: Buffer.alloc(0),
      lines: 0,
      header: null,
      format: null,
      rule: null,
      sample: null,
      readerDetails: {},
      blank: new LineCounter(),
      trailer: false,
      trailerLines: 0,
      live: null,
      started: new Date(now).toISOString(),
      lastBatch: now,
      behindSince: null,
      marks: [],
      rotatedAt: null,
      lastSize: st.size,
    };
    this.refuseBinary(this.readStart(fd, Math.min(st.size, 8192)));
    this.gen = g;
    const every = this.opts.sampleMs ?? 250;
    if (every > 0 && !this.sizeTimer) {
      this.sizeTimer = setInterval(() => this.sampleSize(), every);
      this.sizeTimer.unref();
    }
    if (this.opts.resume && !this.resumeTried) {
      this.resumeTried = true;
      await this.tryResume(g, st);
    }
  }

  /** Takes up the last import of this same file (device, inode, first bytes) where it stopped. */
  private async tryResume(g: Generation, st: fs.Stats): Promise<void> {
    const prev = await this.store.one<{ id: number; format: string; details: string }>(
      `SELECT id, format, details::VARCHAR AS details FROM imports
       WHERE path = $1 AND json_extract_string(details, '$.source') = 'growing file'
       ORDER BY id DESC LIMIT 1`,
      [this.path],
    );
    if (!prev) return;
    const d = JSON.parse(prev.details) as Record<string, unknown>;
    const offset = Number(d.offset);
    const prefixBytes = Number(d.prefix_bytes);
    if (
      d.device !== st.dev ||
      d.inode !== st.ino ||
      !(offset <= st.size) ||
      !(prefixBytes <= offset)
    )
      return;
    const head = Buffer.alloc(prefixBytes);
    fs.readSync(g.fd, head, 0, prefixBytes, 0);
    if (createHash('sha256').update(head).digest('hex') !== d.prefix_sha256) return;
    // the same file: hash what was imported, take its header, go on from there
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < offset;) {
      const n = fs.readSync(g.fd, buf, 0, Math.min(buf.length, offset - pos), pos);
      if (n <= 0) return;
      g.hash.update(buf.subarray(0, n));
      pos += n;
    }
    g.prefix = head;
    g.offset = g.readPos = offset;
    g.lines = Number(d.lines) || 0;
    g.trailer = !!d.in_trailer;
    g.trailerLines = Number(d.trailer_lines) || 0;
    g.readerDetails = (d.reader as Record<string, unknown>) ?? {};
    g.blank.blankLines = Number(d.blank_lines) || 0;
    g.n = Number(d.generation) || g.n;
    this.nextGen = g.n + 1;
    g.started = String(d.started ?? g.started);
    const headerLines = Number(d.header_lines) || 0;
    const start = this.readStart(g.fd, Math.min(st.size, SAMPLE_BYTES));
    this.decideFormat(g, start, prev.format);
    const lines = splitLines(start);
    if (headerLines > lines.length) return;
    g.header = { lines: headerLines, bytes: firstLines(start, headerLines) };
    g.live = await LiveImport.resume(this.store, prev.id);
    this.flows = g.live.totals.flows;
    this.rejects = g.live.totals.rejects;
    this.opts.note(
      `${this.path}: resuming import ${prev.id} at line ${g.lines + 1} (byte ${offset})`,
    );
  }

  private readStart(fd: number, n: number): Buffer {
    const b = Buffer.alloc(n);
    const got = fs.readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  }

  /** Reads appended bytes (at most two batches' worth per step); true when more is waiting. */
  private read(g: Generation, size: number, now: number): boolean {
    if (size > g.readPos) {
      const want = Math.min(size - g.readPos, 2 * this.opts.batchBytes);
      const buf = Buffer.allocUnsafe(want);
      const got = fs.readSync(g.fd, buf, 0, want, g.readPos);
      g.readPos += got;
      if (g.readPos - got < PREFIX_BYTES && g.prefix.length < PREFIX_BYTES) {
        const keep = buf.subarray(0, Math.min(got, PREFIX_BYTES - g.prefix.length));
        g.prefix = Buffer.concat([g.prefix, keep]);
      }
      const data = g.partial.length
        ? Buffer.concat([g.partial, buf.subarray(0, got)])
        : buf.subarray(0, got);
      const last = data.lastIndexOf(NL);
      if (last < 0) g.partial = Buffer.from(data);
      else {
        const complete = data.subarray(0, last + 1);
        g.partial = Buffer.from(data.subarray(last + 1));
        g.pending.push(Buffer.from(complete));
        g.pendingBytes += complete.length;
        g.pendingLines += countNewlines(complete);
      }
    }
    // complete lines seen (an unfinished last line is not lag), and what is not read yet
    const seen = g.readPos < size ? size : g.readPos - g.partial.length;
    if (seen > (g.marks.at(-1)?.size ?? g.offset)) g.marks.push({ size: seen, at: now });
    this.updateBehind(g, size);
    return g.readPos < size;
  }

  /** Only text can be followed line by line: a capture or a gzip file is refused at once. */
  private refuseBinary(head: Buffer): void {
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)
      throw new NetsiftError(
        `${this.path}: gzip-compressed; a growing file can be followed only as plain text (follow the folder the compressed files are rotated into)`,
        'input',
      );
    if (looksBinary(head))
      throw new NetsiftError(
        `${this.path}: binary data; only text formats can be followed while they grow (follow the folder nfcapd or tcpdump -G rotates into instead)`,
        'input',
      );
  }

  /**
   * Notes how far the file has grown now, between steps: a batch can take seconds, and bytes
   * appended meanwhile must not look younger than they are. (A line whose first bytes arrived
   * long before its newline is counted from its first bytes: the lag is right to the poll
   * interval for lines written at once, as loggers do.)
   */
  private sampleSize(): number | null {
    const g = this.gen;
    if (!g) return null;
    try {
      const size = fs.fstatSync(g.fd).size;
      // bytes not read yet: they arrived by now (a step notes what it reads line by line)
      if (size > g.readPos && size > (g.marks.at(-1)?.size ?? 0))
        g.marks.push({ size, at: Date.now() });
      return size;
    } catch {
      return null; // closed meanwhile
    }
  }

  private stopSampling(): void {
    if (this.sizeTimer) clearInterval(this.sizeTimer);
    this.sizeTimer = null;
  }

  /** Behind since the arrival of the oldest complete line not imported; null when caught up. */
  private updateBehind(g: Generation, size: number): void {
    while (g.marks.length && g.marks[0].size <= g.offset) g.marks.shift();
    const waiting = g.pendingBytes > 0 || g.readPos < size;
    g.behindSince = waiting ? (g.marks[0]?.at ?? g.behindSince ?? Date.now()) : null;
  }

  private decideFormat(g: Generation, start: Buffer, wanted?: string): void {
    const head = start.subarray(0, SAMPLE_BYTES);
    const sample: FileSample = {
      path: this.path,
      name: path.basename(this.path),
      gzip: false,
      head,
      lines: splitLines(head).slice(0, 50),
    };
    this.refuseBinary(head);
    let format: FormatImporter;
    try {
      format = pickFormat(sample, head.length, wanted ?? this.opts.format);
    } catch (e) {
      if (e instanceof NetsiftError && e.code !== 'usage')
        throw new NetsiftError(`${this.path}: ${explainUnknown(sample, head.length)}`, 'input');
      throw e;
    }
    const rule = TAIL_RULES[format.id];
    if (!rule)
      throw new NetsiftError(
        `${this.path}: ${format.id} files cannot be followed while they grow (not line by line); follow the folder they are rotated into`,
        'usage',
      );
    g.format = format;
    g.rule = rule;
    g.sample = sample;
  }

  /** Works out format and header once enough complete lines are there; false: not yet. */
  private ready(g: Generation): boolean {
    if (g.header) return true;
    const start = Buffer.concat(g.pending).subarray(0, SAMPLE_BYTES);
    const lines = splitLines(start);
    // something besides blank and '#' lines is needed to tell the format
    if (!lines.some((l) => l.trim() !== '' && !l.startsWith('#'))) return false;
    if (!g.format) this.decideFormat(g, start);
    const n = headerLineCount(g.rule!, lines);
    if (n === null) return false;
    g.header = { lines: n, bytes: firstLines(start, n) };
    return true;
  }

  /**
   * Writes the complete lines read as one batch (final: also when fewer than a batch). The header
   * lines of the first batch are written as the file's lines 1..n, not as data.
   */
  private async writePending(
    g: Generation,
    now: number,
    final: boolean,
  ): Promise<BatchResult | null> {
    if (g.pendingBytes === 0) return null;
    if (!this.ready(g)) {
      if (!final) return null;
      // a file that ends before its first data line: its lines are not data
      return null;
    }
    let body = Buffer.concat(g.pending);
    let bodyLines = g.pendingLines;
    let skipHeader = 0;
    if (g.offset === 0) {
      // the first batch begins with the header itself
      skipHeader = g.header!.bytes.length;
      body = body.subarray(skipHeader);
      bodyLines -= g.header!.lines;
    }
    const firstLine = g.lines + (g.offset === 0 ? g.header!.lines : 0) + 1;
    // nfdump's Summary block: no data from its first line on
    let dataBody = body;
    let trailerLines = 0;
    if (g.rule!.trailer) {
      if (g.trailer) {
        dataBody = Buffer.alloc(0);
        trailerLines = bodyLines;
      } else {
        const lines = splitLines(body);
        const at = lines.findIndex(g.rule!.trailer);
        if (at >= 0) {
          let cut = 0;
          for (let i = 0; i < at; i++) cut = body.indexOf(NL, cut) + 1;
          dataBody = body.subarray(0, cut);
          trailerLines = bodyLines - at;
          g.trailer = true;
        }
      }
    }
    const consumed = g.pendingBytes;
    const state = (following: boolean) =>
      this.state(
        g,
        consumed,
        bodyLines + (g.offset === 0 ? g.header!.lines : 0),
        trailerLines,
        body,
        following,
      );
    let result: BatchResult | null = null;
    if (dataBody.length > 0) {
      const chunkPath = path.join(
        this.opts.spoolDir,
        `chunk-${process.pid}-${g.n}-${firstLine}.txt`,
      );
      fs.mkdirSync(this.opts.spoolDir, { recursive: true });
      fs.writeFileSync(chunkPath, Buffer.concat([g.header!.bytes, dataBody]));
      try {
        g.live ??= await LiveImport.start(this.store, this.path, g.format!.id);
        const live = g.live;
        const conn = await live.connect();
        const hooks: (() => void)[] = [];
        const job: JobContext = {
          signal: this.opts.job.signal,
          progress: () => undefined,
          checkCancelled: () => this.opts.job.checkCancelled(),
          onCancel: (h) => hooks.push(h),
        };
        const off = () => hooks.forEach((h) => h());
        this.opts.job.signal.addEventListener('abort', off);
        try {
          const staged = await stageChunk(
            conn,
            {
              path: chunkPath,
              headerLines: g.header!.lines,
              firstLine,
              format: g.format!,
              sample: g.sample!,
              options: this.opts.importOptions,
            },
            job,
          );
          if (Object.keys(g.readerDetails).length === 0) g.readerDetails = staged.details;
          result = await this.opts.gate.run(() =>
            live.appendStaged(staged, state(true), this.opts.beforeCommit),
          );
        } finally {
          this.opts.job.signal.removeEventListener('abort', off);
          conn.closeSync();
        }
      } finally {
        fs.rmSync(chunkPath, { force: true });
      }
      this.flows += result.flows;
      this.rejects += result.rejects;
    } else if (g.live) {
      // only trailer lines: the import's row records them
      this.advance(g, consumed, body, bodyLines, trailerLines);
      await this.opts.gate.run(() => g.live!.update(this.state(g, 0, 0, 0, Buffer.alloc(0), true)));
      return null;
    }
    this.advance(g, consumed, body, bodyLines, trailerLines);
    g.lastBatch = now;
    return result;
  }

  private advance(
    g: Generation,
    consumed: number,
    body: Buffer,
    bodyLines: number,
    trailerLines: number,
  ): void {
    for (const b of g.pending) g.hash.update(b);
    if (g.offset === 0) g.lines += g.header!.lines;
    g.blank.push(body);
    g.offset += consumed;
    g.lines += bodyLines;
    g.trailerLines += trailerLines;
    g.pending = [];
    g.pendingBytes = 0;
    g.pendingLines = 0;
    this.updateBehind(g, this.lastSize);
  }

  /** The import's source state as it will stand once this batch is in. */
  private state(
    g: Generation,
    consumed: number,
    lines: number,
    trailerLines: number,
    body: Buffer,
    following: boolean,
    ended?: { by: string | null; note: string | null; reason?: string },
  ) {
    const hash = g.hash.copy();
    for (const b of g.pending.length && consumed ? g.pending : []) hash.update(b);
    const offset = g.offset + consumed;
    const blank = new LineCounter();
    blank.blankLines = g.blank.blankLines;
    if (consumed) blank.push(body);
    const prefixBytes = Math.min(PREFIX_BYTES, offset, g.prefix.length);
    return {
      size: offset,
      sha256: hash.digest('hex'),
      details: {
        source: 'growing file',
        following,
        generation: g.n,
        device: g.dev,
        inode: g.ino,
        offset,
        lines: g.lines + lines,
        header_lines: g.header?.lines ?? 0,
        blank_lines: blank.blankLines,
        ...(g.rule?.trailer
          ? { in_trailer: g.trailer, trailer_lines: g.trailerLines + trailerLines }
          : {}),
        prefix_bytes: prefixBytes,
        prefix_sha256: createHash('sha256').update(g.prefix.subarray(0, prefixBytes)).digest('hex'),
        sha256_of: 'the bytes imported so far (complete lines), from the first byte of the file',
        line: 'the line of the file',
        partial_bytes: g.partial.length,
        started: g.started,
        ...(ended
          ? {
              stopped: new Date().toISOString(),
              ...(ended.by ? { endedBy: ended.by } : {}),
              ...(ended.note ? { note: ended.note } : {}),
              ...(ended.reason ? { stoppedBy: ended.reason } : {}),
            }
          : {}),
        reader: g.readerDetails,
        ...(this.opts.importOptions.timeWindow
          ? { time_window: this.opts.importOptions.timeWindow }
          : {}),
      },
    };
  }

  private async endGeneration(
    g: Generation,
    by: string | null,
    note: string | null,
    reason?: string,
  ): Promise<void> {
    if (g.live) {
      const live = g.live;
      const st = this.state(g, 0, 0, 0, Buffer.alloc(0), false, { by, note, reason });
      if (by && g.partial.length && by !== 'rotated')
        st.details.note = `${note ?? by}; an unfinished last line of ${g.partial.length} bytes was cut away and not imported`;
      await this.opts.gate.run(() => live.update(st));
      if (live.id !== null && by) this.closed.push({ importId: live.id, endedBy: by });
      live.close();
      if (by) this.opts.note(`${this.path}: ${note ?? by}; import ${live.id} closed`);
    }
    g.live = null;
  }
}
