// Collects generated flow lines (seed format) and their labels as bytes in large buffers (no
// per-line strings: at 10M flows string building and GC dominate), and keeps per-label counts
// and first/last seconds for the incidents file.

export type Proto = 'tcp' | 'udp';
export type State = 'new' | 'connecting' | 'established' | 'closing' | 'closed' | 'reset';

/** Label 0 is benign; label i > 0 is incident i (index into the incident list + 1). */
export const BENIGN = 0;

const CHUNK = 1 << 22;
/** Room kept free for one more line (ts 19 + proto + state + 2 IPv4 + 4 numbers). */
const LINE_MAX = 256;

/** A byte buffer filled line by line; full chunks queue up for the writer. */
class ByteChunks {
  buf = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  readonly full: Buffer[] = [];

  room(): void {
    if (this.pos + LINE_MAX > CHUNK) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(CHUNK);
      this.pos = 0;
    }
  }

  /** ASCII text; a byte loop beats Buffer.copy/write for strings this short. */
  text(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i];
    this.pos = p;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Non-negative integer in decimal. */
  int(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let v = n; ; ) {
      const q = Math.floor(v / 10);
      this.buf[--p] = 48 + (v - q * 10);
      if (q === 0) break;
      v = q;
    }
  }

  take(): Buffer[] {
    const out = this.full.splice(0);
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
    return out;
  }
}

const COMMA = 44;
const NL = 10;
const STATES: State[] = ['new', 'connecting', 'established', 'closing', 'closed', 'reset'];
const protoState = (p: Proto) => Object.fromEntries(STATES.map((s) => [s, Buffer.from(`,${p},${s},`, 'latin1')])) as Record<State, Buffer>;
/** ",proto,state," pre-encoded: property lookups, no string building per line. */
const PROTO_STATE: Record<Proto, Record<State, Buffer>> = { tcp: protoState('tcp'), udp: protoState('udp') };

export class FlowSink {
  /** Lines written so far (flow line numbers are 1-based). */
  lines = 0;
  readonly counts: number[];
  readonly first: number[];
  readonly last: number[];
  private readonly flows = new ByteChunks();
  private readonly labels = new ByteChunks();
  private readonly labelBytes: Buffer[];
  private ts = Buffer.alloc(0);
  private sec = 0;

  constructor(labelNames: string[]) {
    this.counts = labelNames.map(() => 0);
    this.first = labelNames.map(() => -1);
    this.last = labelNames.map(() => -1);
    this.labelBytes = labelNames.map((n) => Buffer.from(`,${n}\n`, 'latin1'));
  }

  /** Starts second `sec` (seconds since the capture start) whose timestamp text is `ts`. */
  setSecond(sec: number, ts: string): void {
    this.sec = sec;
    this.ts = Buffer.from(ts, 'latin1');
  }

  emit(
    proto: Proto,
    state: State,
    src: string,
    sport: number,
    dst: string,
    dport: number,
    srcTx: number,
    dstTx: number,
    label: number,
  ): void {
    const f = this.flows;
    f.room();
    f.bytes(this.ts);
    f.bytes(PROTO_STATE[proto][state]);
    f.text(src);
    f.byte(COMMA);
    f.int(sport);
    f.byte(COMMA);
    f.text(dst);
    f.byte(COMMA);
    f.int(dport);
    f.byte(COMMA);
    f.int(srcTx);
    f.byte(COMMA);
    f.int(dstTx);
    f.byte(NL);
    const l = this.labels;
    l.room();
    l.int(++this.lines);
    l.bytes(this.labelBytes[label]);
    this.counts[label]++;
    if (this.first[label] < 0) this.first[label] = this.sec;
    this.last[label] = this.sec;
  }

  /** Bytes buffered so far (the caller flushes past a threshold). */
  get buffered(): number {
    return this.flows.full.length * CHUNK + this.flows.pos;
  }

  /** Takes the buffered bytes (the caller writes them out). */
  take(): { flows: Buffer[]; labels: Buffer[] } {
    return { flows: this.flows.take(), labels: this.labels.take() };
  }
}
