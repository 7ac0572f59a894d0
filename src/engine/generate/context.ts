// What every traffic source sees: the sink, the long-connection table, the capture's length
// and scale, and the office it runs in.
import type { ConnTable } from './conn-table';
import type { FlowSink } from './flow-sink';
import type { Workstation } from './topology';

export interface GenContext {
  sink: FlowSink;
  conns: ConnTable;
  seed: number;
  /** Capture length in seconds. */
  seconds: number;
  /** Benign volume factor (1 = the default office). */
  rate: number;
  workstations: Workstation[];
  /** Workstation indices repeated by weight: a uniform pick is a weighted pick. */
  weighted: Uint32Array;
}

/** A traffic source: writes its records for second `sec` (seconds since the capture start). */
export interface Source {
  tick(sec: number): void;
}
