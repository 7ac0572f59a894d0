import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape-html';

describe('escapeHtml', () => {
  it('neutralises markup from a capture', () => {
    expect(escapeHtml('fe80::2%<img src=x onerror="alert(1)">')).toBe(
      'fe80::2%&lt;img src=x onerror=&quot;alert(1)&quot;&gt;',
    );
    expect(escapeHtml("a&b'c")).toBe('a&amp;b&#39;c');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});
