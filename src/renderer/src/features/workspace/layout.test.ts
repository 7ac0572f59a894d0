import { describe, expect, it } from 'vitest';
import { DEFAULT_PANES, effectivePanes, MIN } from './layout';

describe('pane sizes', () => {
  it('uses the defaults, then what was saved', () => {
    expect(effectivePanes(undefined, 1600, 900)).toEqual(DEFAULT_PANES);
    expect(effectivePanes({ left: 520, timeline: 260 }, 1600, 900)).toEqual({
      ...DEFAULT_PANES,
      left: 520,
      timeline: 260,
    });
  });

  it('keeps every pane usable in a smaller window and ignores nonsense', () => {
    const p = effectivePanes(
      { left: 2000, right: 10, timeline: -5, incidents: Number.NaN },
      1000,
      600,
    );
    expect(p.right).toBe(MIN.right);
    expect(p.left).toBe(1000 - MIN.right - MIN.middle);
    expect(p.timeline).toBe(MIN.timeline);
    expect(p.incidents).toBe(DEFAULT_PANES.incidents);
  });
});
