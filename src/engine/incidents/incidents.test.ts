import { describe, expect, it } from 'vitest';
import type { AlertDraft } from '../detect/types';
import { buildIncidents, trustScore } from './build';
import { mergeSelectors } from './evidence';

const P = { minScore: 0.5, gapMinutes: 30 };

function alert(
  o: Partial<AlertDraft> &
    Pick<AlertDraft, 'detector' | 'score' | 'src_ip' | 'window_start' | 'window_end'>,
): AlertDraft {
  return {
    severity: 'low',
    dst_ip: null,
    features: [],
    flow_count: 1,
    evidence: { from: o.window_start, to: o.window_end, srcIps: o.src_ip ? [o.src_ip] : [] },
    summary: `${o.detector} on ${o.src_ip}`,
    ...o,
  };
}

describe('incidents ensemble', () => {
  it('combines detectors by noisy-OR of weighted maxima', () => {
    const a = [
      alert({
        detector: 'scan',
        score: 0.9,
        src_ip: 'x',
        window_start: '2017-01-27T16:00:00.000Z',
        window_end: '2017-01-27T16:10:00.000Z',
      }),
      alert({
        detector: 'iqr',
        score: 0.5,
        src_ip: 'x',
        window_start: '2017-01-27T16:00:00.000Z',
        window_end: '2017-01-27T16:00:10.000Z',
      }),
      alert({
        detector: 'iqr',
        score: 0.2,
        src_ip: 'x',
        window_start: '2017-01-27T16:00:10.000Z',
        window_end: '2017-01-27T16:00:20.000Z',
      }),
    ];
    // 1 - (1 - 0.95*0.9)(1 - 0.35*0.5)
    expect(trustScore(a)).toBeCloseTo(1 - (1 - 0.855) * (1 - 0.175), 6);
  });

  it('groups by actor and time, types from the detectors, keeps a short list', () => {
    const t = (m: number) =>
      new Date(Date.parse('2017-01-27T16:00:00Z') + m * 60_000).toISOString();
    const alerts: AlertDraft[] = [
      alert({
        detector: 'scan',
        score: 0.9,
        src_ip: '10.0.0.1',
        dst_ip: '10.0.0.9',
        window_start: t(0),
        window_end: t(14),
        kind: 'vertical-scan',
        summary: '10.0.0.1 probed 2,841 ports on 1 host in 14 min; 96% failed',
        evidence: { from: t(0), to: t(14), srcIps: ['10.0.0.1'], dstIps: ['10.0.0.9'] },
      }),
      alert({
        detector: 'iqr',
        score: 0.5,
        src_ip: '10.0.0.1',
        dst_ip: '10.0.0.9',
        window_start: t(1),
        window_end: t(2),
      }),
      alert({
        detector: 'basic',
        score: 0.3,
        src_ip: '10.0.0.1',
        window_start: t(2),
        window_end: t(3),
      }),
      // the same actor again, two hours later: a separate incident with a numbered key
      alert({
        detector: 'scan',
        score: 0.8,
        src_ip: '10.0.0.1',
        window_start: t(120),
        window_end: t(130),
        kind: 'vertical-scan',
      }),
      // a hint-only host: no incident
      alert({
        detector: 'basic',
        score: 0.3,
        src_ip: '10.0.0.2',
        window_start: t(5),
        window_end: t(6),
      }),
      alert({
        detector: 'port-activity',
        score: 0.35,
        src_ip: '10.0.0.2',
        window_start: t(5),
        window_end: t(6),
      }),
      // flood: grouped by victim, attacker unknown when many sources
      alert({
        detector: 'flood',
        score: 0.9,
        src_ip: '1.1.1.1',
        dst_ip: '10.0.0.80',
        window_start: t(10),
        window_end: t(11),
        kind: 'syn-flood',
      }),
      alert({
        detector: 'flood',
        score: 0.7,
        src_ip: '2.2.2.2',
        dst_ip: '10.0.0.80',
        window_start: t(10),
        window_end: t(11),
        kind: 'syn-flood',
      }),
    ];
    const inc = buildIncidents(alerts, P);
    expect(inc.map((x) => [x.key, x.type, x.attacker, x.victims, x.alerts])).toEqual([
      ['vertical-scan:10.0.0.1', 'vertical-scan', '10.0.0.1', ['10.0.0.9'], [0, 1, 2]],
      ['syn-flood:10.0.0.80', 'syn-flood', null, ['10.0.0.80'], [6, 7]],
      ['vertical-scan:10.0.0.1#2', 'vertical-scan', '10.0.0.1', [], [3]],
    ]);
    const top = inc[0];
    expect(top.detectors).toEqual(['basic', 'iqr', 'scan']);
    expect(top.score).toBeCloseTo(1 - 0.145 * 0.825 * 0.925, 3);
    expect(top.severity).toBe('high');
    expect(top.summary).toBe(
      '10.0.0.1 probed 2,841 ports on 1 host in 14 min; 96% failed; also flagged by basic, iqr',
    );
    expect(top.first_seen).toBe(t(0));
    expect(top.last_seen).toBe(t(14));
    expect(inc[1].ips).toEqual(['1.1.1.1', '10.0.0.80', '2.2.2.2']);
  });

  it('groups summary alerts by their entity: no attacker, the sources among the addresses', () => {
    const t = (m: number) =>
      new Date(Date.parse('2017-01-27T16:00:00Z') + m * 60_000).toISOString();
    const summary = (entity: string, sources: string[], m: number): AlertDraft => ({
      ...alert({
        detector: 'background',
        score: 0.45,
        src_ip: null,
        window_start: t(m),
        window_end: t(m + 600),
      }),
      kind: 'background-scan',
      entity,
      evidence: { from: t(m), to: t(m + 600), srcIps: sources, dstIps: ['10.0.0.7'] },
    });
    const inc = buildIncidents(
      [
        summary('background:tcp/23', ['1.2.3.4', '5.6.7.8'], 0),
        summary('background:port-sweep', ['9.9.9.9'], 10),
      ],
      { minScore: 0.4, gapMinutes: 30 },
    );
    expect(inc.map((x) => [x.key, x.type, x.attacker, x.victims, x.ips])).toEqual([
      [
        'background-scan:background:tcp/23',
        'background-scan',
        null,
        ['10.0.0.7'],
        ['1.2.3.4', '10.0.0.7', '5.6.7.8'],
      ],
      [
        'background-scan:background:port-sweep',
        'background-scan',
        null,
        ['10.0.0.7'],
        ['10.0.0.7', '9.9.9.9'],
      ],
    ]);
    expect(inc[0].score).toBeCloseTo(0.45, 6);
  });

  it('folds a beacon into the failed callback to the same destination', () => {
    const t = (m: number) =>
      new Date(Date.parse('2017-01-27T16:00:00Z') + m * 60_000).toISOString();
    const inc = buildIncidents(
      [
        alert({
          detector: 'callback',
          score: 0.9,
          src_ip: '10.0.0.33',
          dst_ip: '198.51.100.45',
          window_start: t(0),
          window_end: t(25),
          kind: 'failed-callback',
        }),
        alert({
          detector: 'beacon',
          score: 0.8,
          src_ip: '10.0.0.33',
          dst_ip: '198.51.100.45',
          window_start: t(0),
          window_end: t(25),
          kind: 'beaconing',
        }),
        alert({
          detector: 'beacon',
          score: 0.8,
          src_ip: '10.0.0.33',
          dst_ip: '203.0.113.66',
          window_start: t(1),
          window_end: t(25),
          kind: 'beaconing',
        }),
      ],
      P,
    );
    expect(inc.map((x) => [x.type, x.alerts])).toEqual([
      ['failed-callback', [0, 1]],
      ['beaconing', [2]],
    ]);
  });

  it('merges adjacent windows of the same selector shape into one span', () => {
    const s = (f: string, t: string) => ({
      from: `2017-01-27T16:00:${f}.000Z`,
      to: `2017-01-27T16:00:${t}.000Z`,
      srcIps: ['a'],
    });
    expect(mergeSelectors([s('10', '20'), s('00', '10'), s('40', '50')])).toEqual({
      anyOf: [
        { from: '2017-01-27T16:00:00.000Z', to: '2017-01-27T16:00:20.000Z', srcIps: ['a'] },
        { from: '2017-01-27T16:00:40.000Z', to: '2017-01-27T16:00:50.000Z', srcIps: ['a'] },
      ],
    });
    expect(mergeSelectors([s('00', '10'), { ...s('05', '30'), dstPorts: [22] }])).toEqual({
      anyOf: [s('00', '10'), { ...s('05', '30'), dstPorts: [22] }],
    });
  });
});
