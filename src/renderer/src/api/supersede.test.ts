import { describe, expect, it } from 'vitest';
import { supersedeKey } from './supersede';

describe('supersedeKey', () => {
  it('pages of one selection share a key; another selection or sort does not', () => {
    const a = supersedeKey('flows', [{ filter: 'dst port 22', offset: 0, limit: 200 }]);
    expect(supersedeKey('flows', [{ limit: 200, offset: 4000, filter: 'dst port 22' }])).toBe(a);
    expect(supersedeKey('flows', [{ filter: 'dst port 23', offset: 0, limit: 200 }])).not.toBe(a);
    expect(
      supersedeKey('flows', [
        { filter: 'dst port 22', offset: 0, limit: 200, sort: [{ column: 'bytes', dir: 'desc' }] },
      ]),
    ).not.toBe(a);
  });

  it('compares charts and counts by the whole request, key order aside', () => {
    expect(supersedeKey('countFlows', [{ filter: 'x', range: { from: 'a', to: 'b' } }])).toBe(
      supersedeKey('countFlows', [{ range: { to: 'b', from: 'a' }, filter: 'x' }]),
    );
    // countries of the last brushed range only (a quick brush left three ranges' running)
    expect(supersedeKey('topGeo', [{ by: 'country' }])).not.toBeNull();
    expect(supersedeKey('pairScatter', [{ feature: 'num_conns' }])).not.toBe(
      supersedeKey('pairScatter', [{ feature: 'bytes_up' }]),
    );
  });

  it('never supersedes anything but the selection views', () => {
    for (const m of [
      'updateTriage',
      'addAllowRule',
      'openCase',
      'saveUiState',
      'host',
      'alerts',
      'incidents',
    ])
      expect(supersedeKey(m, [{}])).toBeNull();
  });
});
