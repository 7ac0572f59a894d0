// Field-name completion for the filter bar: the word at the cursor completed from the language's
// keywords, or from the values a keyword takes (proto, state, flags) right after it.
import { FILTER_JOINERS, FILTER_TERMS, FILTER_VALUES } from '../../../../shared/filter-language';

export interface Completion {
  /** The span of text the chosen item replaces. */
  from: number;
  to: number;
  items: string[];
}

const KEYWORDS = [...new Set([...FILTER_TERMS.flatMap((t) => t.words), ...FILTER_JOINERS])].sort();
const MAX = 8;

export function completions(text: string, cursor: number): Completion | null {
  const before = text.slice(0, cursor);
  const word = /[A-Za-z]*$/.exec(before)![0];
  const from = cursor - word.length;
  // a word right after something that is not a separator (10.0.0.5x, "ab) is not ours to complete
  if (from > 0 && !/[\s([!]/.test(before[from - 1])) return null;
  const to = cursor + /^[A-Za-z]*/.exec(text.slice(cursor))![0].length;
  const prev = /([A-Za-z]+)\s+(?:in\s*\[[^\]]*|=\s*|==\s*)?$/
    .exec(before.slice(0, from))?.[1]
    ?.toLowerCase();
  const w = word.toLowerCase();
  const values = prev ? FILTER_VALUES[prev] : undefined;
  let items: string[];
  if (values) items = values.filter((v) => v.toLowerCase().startsWith(w) && v.toLowerCase() !== w);
  else if (!w) return null;
  else items = KEYWORDS.filter((k) => k.startsWith(w) && k !== w);
  return items.length ? { from, to, items: items.slice(0, MAX) } : null;
}

/** The text with the completion applied, and where the cursor goes (after a space). */
export function applyCompletion(
  text: string,
  c: Completion,
  item: string,
): { text: string; cursor: number } {
  const after = text.slice(c.to);
  const sep = after.startsWith(' ') ? '' : ' ';
  const next = `${text.slice(0, c.from)}${item}${sep}${after}`;
  return { text: next, cursor: c.from + item.length + 1 };
}
