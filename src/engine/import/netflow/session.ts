// One exporter session: a transport address (exporter address and port, as RFC 7011 scopes
// templates for UDP), a protocol version and an observation domain (v9 source id, v5 engine).
// Holds its templates, the sampling it announced, its system init time (IPFIX uptime-based
// times) and its sequence numbers, and counts what it sent.
import { describeSampling, sameSampling } from './sampling';
import { SequenceTracker } from './sequence';
import type { Template } from './template';
import type { NetflowVersion, Peer, SamplingInfo, SessionStats } from './types';

/** A hostile or broken exporter must not grow memory without bound. */
export const MAX_TEMPLATES_PER_SESSION = 1024;

export class Session {
  readonly stats: SessionStats;
  readonly templates = new Map<number, Template>();
  /** rate for records that name no sampler; null until announced */
  sampling: SamplingInfo | null = null;
  /** rates by sampler / selector id */
  readonly samplers = new Map<number, SamplingInfo>();
  /** IPFIX systemInitTimeMilliseconds from an options record (uptime-based flow times) */
  initTimeMs = NaN;
  readonly sequence: SequenceTracker;

  constructor(
    readonly key: string,
    peer: Peer,
    version: NetflowVersion,
    domain: number,
    now: number,
  ) {
    this.sequence = new SequenceTracker(version);
    this.stats = {
      key,
      exporter: peer.address.includes(':')
        ? `[${peer.address}]:${peer.port}`
        : `${peer.address}:${peer.port}`,
      version,
      domain,
      datagrams: 0,
      flows: 0,
      rejects: 0,
      optionsRecords: 0,
      templates: 0,
      templatesChanged: 0,
      templatesWithdrawn: 0,
      sequenceGaps: 0,
      missingRecords: 0,
      missingDatagrams: 0,
      sampling: null,
      samplers: [],
      flowsBeforeSampling: 0,
      flowsTimedByHeader: 0,
      firstSeen: now,
      lastSeen: now,
    };
  }

  get label(): string {
    const v = this.stats.version === 10 ? 'IPFIX' : `NetFlow v${this.stats.version}`;
    const d =
      this.stats.version === 10
        ? `domain ${this.stats.domain}`
        : this.stats.version === 9
          ? `source id ${this.stats.domain}`
          : `engine ${this.stats.domain >> 8}/${this.stats.domain & 255}`;
    return `${this.stats.exporter} ${v} ${d}`;
  }

  /** Learns a template; returns the operator note (new, changed) or null for a plain refresh. */
  learn(t: Template): string | null {
    const prev = this.templates.get(t.id);
    if (prev && prev.signature === t.signature) return null;
    if (!prev && this.templates.size >= MAX_TEMPLATES_PER_SESSION)
      return `${this.label}: template ${t.id} ignored (over ${MAX_TEMPLATES_PER_SESSION} templates)`;
    this.templates.set(t.id, t);
    const what = t.options ? 'options template' : 'template';
    const note = t.problem ? ` (its records cannot be read: ${t.problem})` : '';
    if (prev) {
      this.stats.templatesChanged++;
      return `${this.label}: ${what} ${t.id} changed to ${t.fields.length} fields${note}`;
    }
    this.stats.templates = this.templates.size;
    return `${this.label}: ${what} ${t.id} learnt, ${t.fields.length} fields${note}`;
  }

  withdraw(which: number | 'all', options: boolean): string {
    let n = 0;
    for (const [id, t] of this.templates)
      if ((which === 'all' && t.options === options) || id === which) {
        this.templates.delete(id);
        n++;
      }
    this.stats.templatesWithdrawn += n;
    this.stats.templates = this.templates.size;
    const what = options ? 'options templates' : 'templates';
    return which === 'all'
      ? `${this.label}: all ${what} withdrawn (${n})`
      : `${this.label}: template ${which} withdrawn${n ? '' : ' (was not known)'}`;
  }

  /** Records an announced rate; returns the operator note when it is new or changed. */
  announce(s: SamplingInfo, samplerId: number): string | null {
    if (Number.isFinite(samplerId)) {
      const prev = this.samplers.get(samplerId) ?? null;
      this.samplers.set(samplerId, s);
      this.stats.samplers = [...this.samplers].map(([id, x]) => ({ id, ...x }));
      return sameSampling(prev, s)
        ? null
        : `${this.label}: sampler ${samplerId}: ${describeSampling(s)}`;
    }
    const prev = this.sampling;
    this.sampling = s;
    this.stats.sampling = s;
    return sameSampling(prev, s) ? null : `${this.label}: sampling ${describeSampling(s)}`;
  }

  /** The rate for a record naming samplerId (NaN: none); null when nothing was announced. */
  rateFor(samplerId: number): SamplingInfo | null {
    if (Number.isFinite(samplerId)) {
      const s = this.samplers.get(samplerId);
      if (s) return s;
    }
    return this.sampling;
  }
}

export function sessionKey(peer: Peer, version: NetflowVersion, domain: number): string {
  return `${peer.address}|${peer.port}|${version}|${domain}`;
}
