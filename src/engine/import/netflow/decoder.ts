// The NetFlow v5 / v9 / IPFIX decoder: datagram bytes in, flows and counted rejects out. Pure (no
// I/O, no clock: the caller passes the receive time), so it is tested with hand-built packets;
// its only state is the exporter sessions (templates, sampling, sequence numbers).
//
// Malformed input never throws: a datagram whose header or set structure is broken is one reject
// (nothing of it is decoded: its set boundaries cannot be trusted); a set whose template is
// unknown is one reject; a record that cannot be read or is not a flow is one reject.
import { readRecord, emptyValues } from './record';
import { samplingOf, v5Sampling } from './sampling';
import { Session, sessionKey } from './session';
import { buildFlow, type BuildContext } from './flow-build';
import {
  parseIpfixTemplates,
  parseV9OptionsTemplates,
  parseV9Templates,
  type TemplateSetResult,
} from './template';
import type {
  DatagramResult,
  DecodedFlow,
  NetflowVersion,
  Peer,
  SamplingInfo,
  SessionStats,
} from './types';
import { hex, ipv4Num, ipv4Text } from './wire';

export interface DecoderOptions {
  /** Rate for exporters that announce none (like nfcapd -s); default: counts as sent. */
  defaultSampling?: number;
  /** Sessions kept at most (exporter address, port, version, domain); default 1,000. */
  maxSessions?: number;
}

const V5_HEADER = 24;
const V5_RECORD = 48;
const V9_HEADER = 20;
const IPFIX_HEADER = 16;

class DatagramError extends Error {}

export class NetflowDecoder {
  /** Totals over every datagram so far (sessions hold the per-exporter counts). */
  readonly totals = { datagrams: 0, flows: 0, rejects: 0, malformedDatagrams: 0 };
  private readonly sessions = new Map<string, Session>();
  private readonly fallback: SamplingInfo | null;
  private readonly maxSessions: number;

  constructor(opts: DecoderOptions = {}) {
    const r = opts.defaultSampling;
    this.fallback =
      r && r > 1 ? { rate: r, algorithm: `assumed 1 in ${r}`, source: '--sampling' } : null;
    this.maxSessions = opts.maxSessions ?? 1000;
  }

  /** Counters per exporter session, oldest first. */
  sessionStats(): SessionStats[] {
    return [...this.sessions.values()].map((s) => ({
      ...s.stats,
      samplers: [...s.stats.samplers],
    }));
  }

  /** Templates known now, over all sessions. */
  templateCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.templates.size;
    return n;
  }

  /** Decodes one datagram received from `from` at `receivedAt` (ms since the epoch). */
  decode(buf: Buffer, from: Peer, receivedAt: number): DatagramResult {
    const n = ++this.totals.datagrams;
    const res: DatagramResult = { datagram: n, version: null, flows: [], rejects: [], events: [] };
    this.decodeInto(buf, from, receivedAt, res);
    this.totals.flows += res.flows.length;
    this.totals.rejects += res.rejects.length;
    return res;
  }

  private decodeInto(buf: Buffer, from: Peer, receivedAt: number, res: DatagramResult): void {
    const n = res.datagram;
    const where = `from ${from.address.includes(':') ? `[${from.address}]` : from.address}:${from.port}`;
    const malformed = (reason: string) => {
      res.flows = [];
      res.rejects = [{ datagram: n, reason: `datagram ${n} ${where}: ${reason}`, raw: hex(buf) }];
      this.totals.malformedDatagrams++;
    };
    if (buf.length < 2) {
      malformed(`${buf.length} byte(s), too short for a NetFlow/IPFIX header`);
      return;
    }
    const version = buf.readUInt16BE(0);
    if (version !== 5 && version !== 9 && version !== 10) {
      malformed(
        `version ${version} is not NetFlow v5, v9 or IPFIX (10)` +
          (version === 1 || version === 7 || version === 8
            ? ' (an older NetFlow version netsift does not read)'
            : ''),
      );
      return;
    }
    res.version = version;
    try {
      if (version === 5) this.decodeV5(buf, from, receivedAt, res);
      else this.decodeSets(buf, from, receivedAt, res, where, version);
    } catch (e) {
      // the readers check every bound first; anything that still throws is reported, not fatal
      malformed(e instanceof DatagramError ? e.message : `decoder error: ${(e as Error).message}`);
    }
  }

  private session(
    from: Peer,
    version: NetflowVersion,
    domain: number,
    now: number,
  ): Session | null {
    const key = sessionKey(from, version, domain);
    let s = this.sessions.get(key);
    if (!s) {
      if (this.sessions.size >= this.maxSessions) return null;
      s = new Session(key, from, version, domain, now);
      this.sessions.set(key, s);
    }
    s.stats.datagrams++;
    s.stats.lastSeen = now;
    return s;
  }

  private decodeV5(buf: Buffer, from: Peer, now: number, res: DatagramResult): void {
    const n = res.datagram;
    if (buf.length < V5_HEADER)
      throw new DatagramError(`truncated NetFlow v5 header (${buf.length} of ${V5_HEADER} bytes)`);
    const count = buf.readUInt16BE(2);
    const need = V5_HEADER + count * V5_RECORD;
    if (count === 0) throw new DatagramError('NetFlow v5 header announces 0 records');
    if (buf.length < need)
      throw new DatagramError(
        `NetFlow v5 header announces ${count} records (${need} bytes) but the datagram has ${buf.length} bytes`,
      );
    if (buf.length > need)
      throw new DatagramError(
        `NetFlow v5 header announces ${count} records (${need} bytes) but the datagram has ${buf.length} bytes (${buf.length - need} extra)`,
      );
    const sysUptime = buf.readUInt32BE(4);
    const exportMs = buf.readUInt32BE(8) * 1000 + Math.floor(buf.readUInt32BE(12) / 1e6);
    const seq = buf.readUInt32BE(16);
    const engine = buf.readUInt16BE(20);
    const s = this.session(from, 5, engine, now);
    if (!s) throw new DatagramError('too many exporter sessions; datagram not decoded');
    const announced = v5Sampling(buf.readUInt16BE(22));
    if (announced) {
      const note = s.announce(announced, NaN);
      if (note) res.events.push(note);
    }
    s.sequence.check(seq, count, count, true);
    s.stats.sequenceGaps = s.sequence.gaps;
    s.stats.missingRecords = s.sequence.missing;
    s.stats.missingDatagrams = s.sequence.missingDatagrams;
    const rate = s.sampling ?? this.fallback;
    if (!s.sampling) s.stats.flowsBeforeSampling += count;
    const r = rate?.rate ?? 1;
    for (let i = 0; i < count; i++) {
      const o = V5_HEADER + i * V5_RECORD;
      const src = buf.readUInt32BE(o);
      const dst = buf.readUInt32BE(o + 4);
      const pkts = buf.readUInt32BE(o + 16);
      const bytes = buf.readUInt32BE(o + 20);
      const first = buf.readUInt32BE(o + 24);
      const last = buf.readUInt32BE(o + 28);
      const proto = buf[o + 38];
      const icmp = proto === 1;
      const dport = buf.readUInt16BE(o + 34);
      const f: DecodedFlow = {
        datagram: n,
        ts: exportMs - ((sysUptime - first) | 0),
        tsEnd: exportMs - ((sysUptime - last) | 0),
        proto,
        srcIp: ipv4Text(src),
        dstIp: ipv4Text(dst),
        srcNum: ipv4Num(src),
        dstNum: ipv4Num(dst),
        srcPort: buf.readUInt16BE(o + 32),
        dstPort: dport,
        icmpType: icmp ? dport >> 8 : null,
        icmpCode: icmp ? dport & 255 : null,
        bytes: Math.round(bytes * r),
        pkts: Math.round(pkts * r),
        revBytes: 0,
        revPkts: null,
        tcpFlags: buf[o + 37],
        revTcpFlags: null,
        rate: r,
      };
      res.flows.push(f);
    }
    s.stats.flows += count;
  }

  /** NetFlow v9 and IPFIX: a header, then sets (flowsets) of templates, options templates, data. */
  private decodeSets(
    buf: Buffer,
    from: Peer,
    now: number,
    res: DatagramResult,
    where: string,
    version: 9 | 10,
  ): void {
    const n = res.datagram;
    const ipfix = version === 10;
    const headerLen = ipfix ? IPFIX_HEADER : V9_HEADER;
    const name = ipfix ? 'IPFIX' : 'NetFlow v9';
    if (buf.length < headerLen)
      throw new DatagramError(`truncated ${name} header (${buf.length} of ${headerLen} bytes)`);
    let end = buf.length;
    if (ipfix) {
      const len = buf.readUInt16BE(2);
      if (len !== buf.length)
        throw new DatagramError(
          `IPFIX header says the message is ${len} bytes but the datagram has ${buf.length}`,
        );
      end = len;
    }
    const exportMs = buf.readUInt32BE(ipfix ? 4 : 8) * 1000;
    const sysUptime = ipfix ? NaN : buf.readUInt32BE(4);
    const seq = buf.readUInt32BE(ipfix ? 8 : 12);
    const domain = buf.readUInt32BE(ipfix ? 12 : 16);

    // Structure first: every set header must fit and every set length must stay in the datagram.
    const sets: { id: number; start: number; end: number }[] = [];
    for (let p = headerLen; p < end;) {
      if (end - p < 4) {
        if (buf.subarray(p, end).every((b) => b === 0)) break; // trailing padding
        throw new DatagramError(`${end - p} stray bytes after the last set (at byte ${p})`);
      }
      const id = buf.readUInt16BE(p);
      const len = buf.readUInt16BE(p + 2);
      if (len < 4)
        throw new DatagramError(
          `set at byte ${p} (id ${id}) has length ${len}, less than its own 4-byte header`,
        );
      if (p + len > end)
        throw new DatagramError(
          `set at byte ${p} (id ${id}) says ${len} bytes but only ${end - p} remain in the datagram`,
        );
      sets.push({ id, start: p, end: p + len });
      p += len;
    }

    const s = this.session(from, version, domain, now);
    if (!s) throw new DatagramError('too many exporter sessions; datagram not decoded');
    const ctx: BuildContext = {
      session: s,
      datagram: n,
      exportMs,
      sysUptime,
      fallback: this.fallback,
    };
    const flowsBefore = res.flows.length;
    let records = 0; // data + options data records (IPFIX sequence numbers count them)
    let flowRejects = 0; // flow data records rejected (they count as sent)
    let countable = true;
    const setReject = (set: { id: number; start: number; end: number }, why: string) => {
      res.rejects.push({
        datagram: n,
        reason: `datagram ${n} ${where} ${name}: set at byte ${set.start} (id ${set.id}): ${why}`,
        raw: hex(buf, set.start, set.end),
      });
      s.stats.rejects++;
    };

    for (const set of sets) {
      const body = set.start + 4;
      if (set.id === (ipfix ? 2 : 0) || set.id === (ipfix ? 3 : 1)) {
        const options = set.id === (ipfix ? 3 : 1);
        const parsed: TemplateSetResult = ipfix
          ? parseIpfixTemplates(buf, body, set.end, options)
          : options
            ? parseV9OptionsTemplates(buf, body, set.end)
            : parseV9Templates(buf, body, set.end);
        for (const w of parsed.withdrawn) res.events.push(s.withdraw(w, options));
        for (const t of parsed.templates) {
          const note = s.learn(t);
          if (note) res.events.push(note);
        }
        if (parsed.error) setReject(set, parsed.error);
        continue;
      }
      if (set.id < 256) {
        setReject(set, `set id ${set.id} is reserved; its ${set.end - body} bytes were skipped`);
        countable = false;
        continue;
      }
      const t = s.templates.get(set.id);
      if (!t) {
        setReject(
          set,
          `template ${set.id} is not known (not received from this exporter yet, or withdrawn); ${set.end - body} bytes skipped`,
        );
        countable = false;
        continue;
      }
      if (t.minLength === 0) {
        // records of no bytes cannot be told apart (nor counted): the set is one reject
        setReject(
          set,
          `template ${t.id} cannot be read (${t.problem}); ${set.end - body} bytes skipped`,
        );
        countable = false;
        continue;
      }
      let p = body;
      let k = 0;
      while (set.end - p >= t.minLength) {
        k++;
        const v = t.problem ? null : emptyValues();
        const next = readRecord(buf, p, set.end, t, ipfix, v);
        if (next < 0) {
          setReject(
            set,
            `record ${k} of template ${t.id} at byte ${p} runs past the end of its set (a variable-length field overruns); the rest of the set was skipped`,
          );
          countable = false;
          p = set.end;
          break;
        }
        records++;
        const recordReject = (why: string) => {
          res.rejects.push({
            datagram: n,
            reason: `datagram ${n} ${where} ${name}: record ${k} of template ${t.id} at byte ${p}: ${why}`,
            raw: hex(buf, p, next),
          });
          s.stats.rejects++;
        };
        if (!v) {
          recordReject(`not read: ${t.problem}`);
          if (!t.options) flowRejects++;
        } else if (t.options) {
          s.stats.optionsRecords++;
          if (Number.isFinite(v.systemInitMs)) s.initTimeMs = v.systemInitMs;
          const sampling = samplingOf(v, `options record (template ${t.id})`);
          if (sampling) {
            const note = s.announce(sampling, v.samplerId);
            if (note) res.events.push(note);
          }
        } else {
          const f = buildFlow(v, ctx);
          if (typeof f === 'string') {
            recordReject(f);
            flowRejects++;
          } else res.flows.push(f);
        }
        p = next;
      }
      const rest = set.end - p;
      if (rest > 0 && rest > 3 && !buf.subarray(p, set.end).every((b) => b === 0))
        setReject(
          set,
          `${rest} bytes after record ${k} are shorter than a record of template ${t.id} (${t.minLength} bytes) and are not padding`,
        );
    }
    s.stats.flows += res.flows.length - flowsBefore;

    s.sequence.check(seq, records, res.flows.length - flowsBefore + flowRejects, countable);
    s.stats.sequenceGaps = s.sequence.gaps;
    s.stats.missingRecords = s.sequence.missing;
    s.stats.missingDatagrams = s.sequence.missingDatagrams;
  }
}
