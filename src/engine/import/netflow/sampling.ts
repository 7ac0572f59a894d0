// Sampling rates as exporters announce them: in the v5 header, in options records (NetFlow v9
// samplingInterval/samplerRandomInterval, IPFIX PSAMP samplingPacketInterval/Space, samplingSize/
// Population, samplingProbability), or in the flow records themselves. A flow's counters are
// multiplied by the rate in force for it, as nfcapd does, and the rate is shown with its source.
import type { RecordValues } from './record';
import type { SamplingInfo } from './types';

const V9_ALGORITHMS: Record<number, string> = { 1: 'deterministic', 2: 'random' };
/** PSAMP selector algorithms (IANA "psamp-parameters"). */
const PSAMP_ALGORITHMS: Record<number, string> = {
  1: 'systematic count-based',
  2: 'systematic time-based',
  3: 'random n-out-of-N',
  4: 'uniform probabilistic',
};

function oneIn(rate: number): string {
  return Number.isInteger(rate) ? `1 in ${rate}` : `1 in ${rate.toFixed(3)}`;
}

/** The sampling a record describes (options record or flow record), or null when it names none. */
export function samplingOf(v: RecordValues, source: string): SamplingInfo | null {
  const ok = (x: number) => Number.isFinite(x) && x > 0;
  if (ok(v.packetInterval) && Number.isFinite(v.packetSpace)) {
    if (v.selectorAlgorithm === 2)
      return { rate: 1, algorithm: 'systematic time-based (counts not scaled)', source };
    const rate = (v.packetInterval + v.packetSpace) / v.packetInterval;
    return {
      rate,
      algorithm: `${PSAMP_ALGORITHMS[v.selectorAlgorithm] ?? 'count-based'} ${v.packetInterval} of every ${v.packetInterval + v.packetSpace} packets`,
      source,
    };
  }
  if (ok(v.samplingSize) && ok(v.samplingPopulation) && v.samplingPopulation >= v.samplingSize)
    return {
      rate: v.samplingPopulation / v.samplingSize,
      algorithm: `random ${v.samplingSize} out of ${v.samplingPopulation}`,
      source,
    };
  if (ok(v.samplingProbability) && v.samplingProbability <= 1)
    return {
      rate: 1 / v.samplingProbability,
      algorithm: `uniform probabilistic p=${v.samplingProbability}`,
      source,
    };
  if (ok(v.samplingInterval)) {
    const alg = V9_ALGORITHMS[v.samplingAlgorithm] ?? 'sampling';
    return { rate: v.samplingInterval, algorithm: `${alg} ${oneIn(v.samplingInterval)}`, source };
  }
  if (ok(v.samplerRandomInterval)) {
    const alg = V9_ALGORITHMS[v.samplerMode] ?? 'sampler';
    return {
      rate: v.samplerRandomInterval,
      algorithm: `${alg} ${oneIn(v.samplerRandomInterval)}`,
      source,
    };
  }
  return null;
}

/** The v5 header's sampling field: 2 bits of mode, 14 bits of interval (0: not announced). */
export function v5Sampling(field: number): SamplingInfo | null {
  const interval = field & 0x3fff;
  if (interval === 0) return null;
  const mode = field >> 14;
  return {
    rate: interval,
    algorithm: `${V9_ALGORITHMS[mode] ?? 'sampling'} ${oneIn(interval)}`,
    source: 'v5 header',
  };
}

export function describeSampling(s: SamplingInfo | null): string {
  if (!s) return 'none announced (counts as sent)';
  return s.rate === 1
    ? `unsampled (${s.algorithm}; ${s.source})`
    : `${s.algorithm}, counts x${Number.isInteger(s.rate) ? s.rate : s.rate.toFixed(3)} (${s.source})`;
}

export function sameSampling(a: SamplingInfo | null, b: SamplingInfo | null): boolean {
  return !!a && !!b && a.rate === b.rate && a.algorithm === b.algorithm;
}
