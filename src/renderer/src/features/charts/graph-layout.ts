// Where the incident graph draws its nodes (pixels of the chart box). The acting host is in the
// middle; the victims stand on the two arcs of an ellipse around it, the left arc labelled to the
// left and the right arc to the right, one row per label height: labels on one side never share
// a row and the two sides point away from each other, so no two labels overlap. What does not fit
// is one node "+N more" (the detail panel lists every victim).

export interface GraphNode {
  name: string;
  x: number;
  y: number;
  kind: 'center' | 'victim' | 'more';
  labelSide: 'left' | 'right';
  rotate: number;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: { source: string; target: string }[];
  /** Victims drawn with their label. */
  shown: number;
  /** Victims summarised by the "+N more" node. */
  more: number;
}

/** Vertical room per label (11 px text). */
export const ROW = 16;
const MARGIN = 14;
/** Width of a label in pixels, for 11 px text (a generous average per character). */
export const labelWidth = (s: string) => Math.ceil(s.length * 6.4) + 6;

export function graphLayout(
  attacker: string | null,
  victims: string[],
  width: number,
  height: number,
): GraphLayout {
  const center = attacker ?? '(unknown)';
  const others = victims.filter((v) => v !== center);
  const cx = width / 2;
  const cy = height / 2;
  const perSide = Math.max(1, Math.floor((height - 2 * MARGIN) / ROW) + 1);
  const capacity = 2 * perSide;
  const fits = others.length <= capacity;
  const listed = fits ? others : others.slice(0, capacity - 1);
  const more = others.length - listed.length;
  const names = more ? [...listed, `+${more} more`] : listed;
  const longest = Math.max(0, ...names.map(labelWidth));
  const rx = Math.max(24, width / 2 - longest - 10);
  const ry = Math.max(ROW, (height - 2 * MARGIN) / 2);
  const nodes: GraphNode[] = [
    { name: center, x: cx, y: cy, kind: 'center', labelSide: 'right', rotate: 0 },
  ];
  const left = Math.ceil(names.length / 2);
  names.forEach((name, i) => {
    const side: 'left' | 'right' = i < left ? 'left' : 'right';
    const k = side === 'left' ? i : i - left;
    const n = side === 'left' ? left : names.length - left;
    // rows spread over the height, centred when there are few
    const span = Math.min(2 * ry, (n - 1) * ROW * 2);
    const step = n > 1 ? Math.max(ROW, span / (n - 1)) : 0;
    const y = cy - ((n - 1) * step) / 2 + k * step;
    const t = Math.min(1, Math.abs(y - cy) / ry);
    const dx = Math.max(14, rx * Math.sqrt(1 - t * t));
    nodes.push({
      name,
      x: side === 'left' ? cx - dx : cx + dx,
      y,
      kind: more && i === names.length - 1 ? 'more' : 'victim',
      labelSide: side,
      rotate: 0,
    });
  });
  return {
    nodes,
    edges: nodes.slice(1).map((n) => ({ source: center, target: n.name })),
    shown: listed.length,
    more,
  };
}
