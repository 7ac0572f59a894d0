// What the NetFlow/IPFIX decoder hands out: flows ready for the case (sampling already applied),
// rejects (everything received that is not a flow and not metadata), and the events an operator
// wants to see (templates learnt, changed, withdrawn; sampling rates announced).

/** Where a datagram came from: the exporter's transport address. */
export interface Peer {
  address: string;
  port: number;
}

export type NetflowVersion = 5 | 9 | 10;

/** One decoded flow record, counters already multiplied by the sampling rate. */
export interface DecodedFlow {
  /** 1-based number of the datagram in this listener's stream (the flow's "line"). */
  datagram: number;
  /** flow start and end, ms since the epoch (UTC) */
  ts: number;
  tsEnd: number | null;
  proto: number;
  srcIp: string;
  dstIp: string;
  /** numeric addresses as the flows table keeps them (IPv4 mapped into ::ffff:0:0/96) */
  srcNum: bigint;
  dstNum: bigint;
  srcPort: number | null;
  dstPort: number | null;
  /** ICMP type and code where the record carried them */
  icmpType: number | null;
  icmpCode: number | null;
  bytes: number;
  pkts: number | null;
  /** reverse direction (IPFIX biflow, RFC 5103; NetFlow v9 OUT_BYTES/OUT_PKTS) */
  revBytes: number;
  revPkts: number | null;
  tcpFlags: number | null;
  revTcpFlags: number | null;
  /** sampling rate applied to the counters (1 = unsampled) */
  rate: number;
}

/** A datagram, a set or a record that could not be turned into flows, with the reason. */
export interface DecodeReject {
  datagram: number;
  reason: string;
  /** hex of the bytes concerned (datagram, set or record), cut short by the writer */
  raw: string;
}

/** Counters per exporter session (one exporter address and port, version, observation domain). */
export interface SessionStats {
  key: string;
  exporter: string;
  version: NetflowVersion;
  /** observation domain (IPFIX), source id (v9), engine type/id (v5: type << 8 | id) */
  domain: number;
  datagrams: number;
  flows: number;
  rejects: number;
  /** options data records (sampling, exporter statistics): metadata, not flows */
  optionsRecords: number;
  templates: number;
  templatesChanged: number;
  templatesWithdrawn: number;
  /** datagrams whose sequence number was not the one expected (loss, reordering or restart) */
  sequenceGaps: number;
  /** records the sequence numbers say were sent but never arrived (v5, IPFIX, v9 numbering records) */
  missingRecords: number;
  /** datagrams the sequence numbers say never arrived (v9 numbering export packets) */
  missingDatagrams: number;
  /** the sampling rate in force and where it came from (null: none announced, counters as sent) */
  sampling: SamplingInfo | null;
  /** rates announced per sampler (selector) id, for records that name their sampler */
  samplers: (SamplingInfo & { id: number })[];
  /** flows decoded before any sampling rate was known (kept at the exporter's counts) */
  flowsBeforeSampling: number;
  /** flows whose start time came from the export header (the record carried none usable) */
  flowsTimedByHeader: number;
  firstSeen: number;
  lastSeen: number;
}

export interface SamplingInfo {
  rate: number;
  /** e.g. "deterministic 1 in 100", "count-based 1 of every 4", "random 1 in 512" */
  algorithm: string;
  /** e.g. "v5 header", "options record (template 256)", "--sampling" */
  source: string;
}

/** What happened to one datagram. */
export interface DatagramResult {
  datagram: number;
  version: NetflowVersion | null;
  flows: DecodedFlow[];
  rejects: DecodeReject[];
  /** operator-facing notes: template learnt/changed/withdrawn, sampling announced */
  events: string[];
}
