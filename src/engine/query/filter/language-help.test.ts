// The filter bar's help (src/shared/filter-language.ts) describes the language the parser takes:
// every keyword is explained and every example parses.
import { describe, expect, it } from 'vitest';
import {
  FILTER_EXAMPLES,
  FILTER_JOINERS,
  FILTER_TERMS,
  FILTER_VALUES,
} from '../../../shared/filter-language';
import { checkFilter, FILTER_KEYWORDS } from './index';

describe('filter help', () => {
  it('explains every keyword the parser knows', () => {
    const described = new Set([...FILTER_TERMS.flatMap((t) => t.words), ...FILTER_JOINERS]);
    expect(FILTER_KEYWORDS.filter((k) => !described.has(k))).toEqual([]);
  });

  it('has examples that parse', () => {
    const texts = [...FILTER_TERMS.map((t) => t.example), ...FILTER_EXAMPLES.map((e) => e.text)];
    for (const t of texts) expect(checkFilter(t), t).toEqual({ ok: true });
    for (const [kw, values] of Object.entries(FILTER_VALUES))
      for (const v of values) expect(checkFilter(`${kw} ${v}`), `${kw} ${v}`).toEqual({ ok: true });
  });
});
