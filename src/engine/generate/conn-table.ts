// Long connections: a first record when they open, an update record every `period` seconds
// carrying the bytes of that interval (as the seed's collector did), and a final record.
// Pending updates sit in a map keyed by second, so memory grows with open connections only.
import type { FlowSink, Proto, State } from './flow-sink';
import type { Rng } from './prng';

export interface ConnSpec {
  proto: Proto;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  label: number;
  /** Length in seconds (the final record is written at start + duration). */
  duration: number;
  /** Seconds between update records. */
  period: number;
  /** Mean bytes per second sent by the source / by the destination. */
  up: number;
  down: number;
  /** Bytes of the first record (handshake and first exchange). */
  firstUp: number;
  firstDown: number;
  /** State of the final record (tcp). */
  endState?: State;
}

/** A plain class with fixed fields (object spreads were a third of the generator's time). */
class Conn {
  readonly proto: Proto;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  readonly label: number;
  readonly period: number;
  readonly up: number;
  readonly down: number;
  readonly endState: State;
  readonly end: number;
  lastAt: number;

  constructor(s: ConnSpec, sec: number) {
    this.proto = s.proto;
    this.src = s.src;
    this.sport = s.sport;
    this.dst = s.dst;
    this.dport = s.dport;
    this.label = s.label;
    this.period = s.period;
    this.up = s.up;
    this.down = s.down;
    this.endState = s.endState ?? 'closed';
    this.end = sec + Math.max(1, Math.round(s.duration));
    this.lastAt = sec;
  }
}

export class ConnTable {
  private readonly due = new Map<number, Conn[]>();
  open = 0;

  constructor(private readonly rng: Rng) {}

  /** Opens a connection at `sec`: writes its first record and schedules the next one. */
  start(sink: FlowSink, sec: number, spec: ConnSpec): void {
    const c = new Conn(spec, sec);
    sink.emit(c.proto, c.proto === 'tcp' ? 'established' : 'new', c.src, c.sport, c.dst, c.dport, Math.round(spec.firstUp), Math.round(spec.firstDown), c.label);
    this.open++;
    this.schedule(c, sec);
  }

  /** Writes the records due at `sec`. */
  tick(sink: FlowSink, sec: number): void {
    const list = this.due.get(sec);
    if (!list) return;
    this.due.delete(sec);
    for (const c of list) {
      const dt = sec - c.lastAt;
      const up = Math.round(c.up * dt * (0.5 + this.rng.float()));
      const down = Math.round(c.down * dt * (0.5 + this.rng.float()));
      c.lastAt = sec;
      if (sec >= c.end) {
        const state: State = c.proto === 'tcp' ? c.endState : 'closed';
        sink.emit(c.proto, state, c.src, c.sport, c.dst, c.dport, up, down, c.label);
        this.open--;
      } else {
        sink.emit(c.proto, 'established', c.src, c.sport, c.dst, c.dport, up, down, c.label);
        this.schedule(c, sec);
      }
    }
  }

  private schedule(c: Conn, sec: number): void {
    // a little jitter on the update period, as collectors flush on timers, not on the second
    const next = Math.min(c.end, sec + Math.max(1, c.period + this.rng.int(-2, 2)));
    const list = this.due.get(next);
    if (list) list.push(c);
    else this.due.set(next, [c]);
  }
}
