// Supersede tags (src/shared/query.ts Supersedable): this page's id and the asking pane's name,
// so a pane's newer request cancels its older one in the engine and never another window's.
const PAGE = Math.random().toString(36).slice(2, 10);

export function requestTag(pane: string): string {
  return `${PAGE}:${pane}`;
}
