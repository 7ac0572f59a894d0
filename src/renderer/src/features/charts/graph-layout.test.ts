import { describe, expect, it } from 'vitest';
import { graphLayout, labelWidth, ROW } from './graph-layout';

const ips = (n: number) =>
  Array.from({ length: n }, (_, i) => `192.168.${Math.floor(i / 250)}.${(i % 250) + 1}`);

/** A label's box as echarts draws it beside its node (11 px text). */
function box(n: { name: string; x: number; y: number; labelSide: 'left' | 'right' }) {
  const w = labelWidth(n.name);
  const x0 = n.labelSide === 'left' ? n.x - 8 - w : n.x + 8;
  return { x0, x1: x0 + w, y0: n.y - 7, y1: n.y + 7 };
}

describe('incident graph layout', () => {
  it.each([1, 5, 20, 46, 300])(
    '%i victims: no two labels overlap and all fit in the box',
    (count) => {
      const l = graphLayout('10.0.0.5', ips(count), 300, 400);
      expect(l.shown + l.more).toBe(count);
      const victims = l.nodes.filter((n) => n.kind !== 'center');
      for (let i = 0; i < victims.length; i++)
        for (let j = i + 1; j < victims.length; j++) {
          const a = box(victims[i]);
          const b = box(victims[j]);
          const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
          expect(overlap, `${victims[i].name} / ${victims[j].name}`).toBe(false);
        }
      for (const n of l.nodes) {
        expect(n.y).toBeGreaterThanOrEqual(0);
        expect(n.y).toBeLessThanOrEqual(400);
        const b = box(n);
        if (n.kind !== 'center') {
          expect(b.x0).toBeGreaterThanOrEqual(0);
          expect(b.x1).toBeLessThanOrEqual(300);
        }
      }
    },
  );

  it('summarises what does not fit as one "+N more" node', () => {
    const l = graphLayout('10.0.0.5', ips(300), 300, 400);
    const more = l.nodes.filter((n) => n.kind === 'more');
    expect(more).toHaveLength(1);
    expect(more[0].name).toBe(`+${l.more} more`);
    expect(l.shown).toBe(2 * (Math.floor((400 - 28) / ROW) + 1) - 1);
    expect(l.edges).toHaveLength(l.nodes.length - 1);
  });

  it('draws the attacker once, in the middle, even when it is listed among the victims', () => {
    const l = graphLayout('10.0.0.5', ['10.0.0.5', '10.0.0.6'], 300, 400);
    expect(l.nodes.map((n) => n.name)).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(l.nodes[0]).toMatchObject({ x: 150, y: 200, kind: 'center' });
  });
});
