// Incident evidence = union of its alerts' selectors, made compact: selectors that differ only in
// their time span are merged when the spans touch, so 300 adjacent windows become one range.
import type { FlowSelector } from '../../shared/model';

export function mergeSelectors(sels: FlowSelector[]): FlowSelector {
  const byShape = new Map<string, { from?: string; to?: string }[]>();
  const shapes = new Map<string, FlowSelector>();
  for (const s of sels) {
    const { from, to, ...rest } = s;
    const key = canonical(rest);
    shapes.set(key, rest);
    const list = byShape.get(key) ?? [];
    list.push({ from, to });
    byShape.set(key, list);
  }
  const parts: FlowSelector[] = [];
  for (const [key, spans] of byShape) {
    const rest = shapes.get(key)!;
    if (spans.some((s) => !s.from && !s.to)) {
      parts.push(rest);
      continue;
    }
    spans.sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
    let cur = { ...spans[0] };
    const flush = () =>
      parts.push({
        ...(cur.from ? { from: cur.from } : {}),
        ...(cur.to ? { to: cur.to } : {}),
        ...rest,
      });
    for (const s of spans.slice(1)) {
      const open = !cur.to || !s.from;
      if (open || s.from! <= cur.to!) {
        cur.to = !cur.to || !s.to ? undefined : s.to > cur.to ? s.to : cur.to;
      } else {
        flush();
        cur = { ...s };
      }
    }
    flush();
  }
  return parts.length === 1 ? parts[0] : { anyOf: parts };
}

/** JSON with keys sorted at every level, so equal selectors give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
