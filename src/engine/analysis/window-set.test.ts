import { describe, expect, it } from 'vitest';
import { affectedWindows, mergeByWindow, neededWindows, runsOf, windowOf } from './window-set';
import { alertIds, incidentIds } from './stable-ids';
import type { AlertDraft } from '../detect/types';

const at = (w: number, tag: string) => ({ window_start: new Date(w * 10_000).toISOString(), tag });

describe('the windows incremental detection evaluates again', () => {
  it('takes the touched windows, the lookback after them and a margin of one', () => {
    expect([...affectedWindows([5], 0)].sort()).toEqual([4, 5, 6]);
    expect([...affectedWindows([5, 9], 2)].sort((a, b) => a - b)).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect(neededWindows([4, 5, 6], 0)).toEqual([3, 4, 5, 6, 7]);
    expect(neededWindows([10], 3)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(runsOf([1, 2, 3, 7, 9, 10])).toEqual([
      [1, 3],
      [7, 7],
      [9, 10],
    ]);
    expect(windowOf('1970-01-01T00:00:59.999Z', 10)).toBe(5);
  });

  it('replaces the affected windows and keeps window order and each window’s own order', () => {
    const earlier = [at(1, 'a1'), at(2, 'a2'), at(2, 'a2b'), at(3, 'a3'), at(7, 'a7')];
    const fresh = [at(2, 'f2'), at(3, 'f3'), at(3, 'f3b')];
    const merged = mergeByWindow(earlier, fresh, new Set([2, 3, 4]), 10);
    expect(merged.map((x) => x.tag)).toEqual(['a1', 'f2', 'f3', 'f3b', 'a7']);
  });
});

describe('ids kept while following', () => {
  const alert = (detector: string, src: string, w: number, f = 'x'): AlertDraft => ({
    detector,
    severity: 'low',
    score: 0.2,
    src_ip: src,
    dst_ip: null,
    window_start: new Date(w * 10_000).toISOString(),
    window_end: new Date((w + 1) * 10_000).toISOString(),
    features: [{ name: f, value: 1 }],
    flow_count: 1,
    evidence: {},
    summary: '',
  });
  it('gives an alert the id of the stored alert with its identity, new ones ids after the largest', () => {
    const stored = [
      {
        id: 4,
        detector: 'basic',
        kind: null,
        entity: null,
        src_ip: '10.0.0.1',
        dst_ip: null,
        window_start: '1970-01-01T00:00:10Z',
        first_feature: 'x',
      },
      {
        id: 9,
        detector: 'basic',
        kind: null,
        entity: null,
        src_ip: '10.0.0.2',
        dst_ip: null,
        window_start: '1970-01-01T00:00:10.000Z',
        first_feature: 'x',
      },
    ];
    const ids = alertIds(
      [
        alert('basic', '10.0.0.9', 1),
        alert('basic', '10.0.0.2', 1),
        alert('basic', '10.0.0.1', 1),
        alert('basic', '10.0.0.1', 1, 'y'),
      ],
      stored,
    );
    expect(ids).toEqual([10, 9, 4, 11]);
  });
  it('keeps an incident id under its key', () => {
    expect(
      incidentIds(
        ['b', 'new', 'a'],
        [
          { id: 1, key: 'a' },
          { id: 2, key: 'b' },
        ],
      ),
    ).toEqual([2, 3, 1]);
  });
});
