// The notes' Markdown subset: what it renders, and what it must never let through (script, raw
// HTML, javascript: links), in the report's HTML and in the workspace's React elements alike.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './markdown';
import { markdownToHtml, parseMarkdown, safeHref } from '../../../../shared/markdown';

const NOTE = [
  '## Finding',
  'Host **10.0.0.5** scanned `22/tcp` on *many* peers.',
  'Second line of the paragraph.',
  '',
  '- checked the [ticket](https://tracker.example/T-1)',
  '- asked [ops](mailto:ops@example.org)',
  '',
  '1. isolate',
  '2. reimage',
  '',
  '```',
  'nfdump -r x "src ip 10.0.0.5"',
  '```',
].join('\n');

const HOSTILE = [
  '# <script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '[click](javascript:void(3)) [js](javascript:alert`3`) [tab](java\tscript:alert(4)) [data](data:text/html,<b>x</b>)',
  '- <iframe src="https://evil.example"></iframe>',
  '**<b onmouseover=alert(5)>bold</b>**',
  '```',
  '</code></pre><script>alert(6)</script>',
  '```',
].join('\n');

/** React's static markup and ours differ only in how they spell two entities and <br>. */
const same = (html: string) =>
  html
    .replace(/&#x27;/g, '&#39;')
    .replace(/<br\/>/g, '<br>')
    .replace(/\n/g, '');
const react = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('notes Markdown', () => {
  it('renders headings, paragraphs, lists, code and links', () => {
    const html = markdownToHtml(NOTE);
    expect(html).toContain('<h4>Finding</h4>');
    expect(html).toContain(
      '<p>Host <strong>10.0.0.5</strong> scanned <code>22/tcp</code> on <em>many</em> peers.<br>Second line of the paragraph.</p>',
    );
    expect(html).toContain(
      '<ul><li>checked the <a href="https://tracker.example/T-1" target="_blank" rel="noopener noreferrer">ticket</a></li>',
    );
    expect(html).toContain('<a href="mailto:ops@example.org"');
    expect(html).toContain('<ol><li>isolate</li><li>reimage</li></ol>');
    expect(html).toContain('<pre><code>nfdump -r x &quot;src ip 10.0.0.5&quot;</code></pre>');
  });

  it('lets no script, raw HTML or unsafe link through', () => {
    const html = markdownToHtml(HOSTILE);
    // no element but the subset's own, no event attribute on any element, no link but http(s)/mailto
    const tags = [...html.matchAll(/<\/?([a-z0-9]+)([^>]*)>/gi)];
    expect(new Set(tags.map((m) => m[1].toLowerCase()))).toEqual(
      new Set(['h3', 'p', 'br', 'span', 'ul', 'li', 'strong', 'pre', 'code']),
    );
    expect(tags.filter((m) => /\son\w+\s*=/i.test(m[2]))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // unsafe links stay visible as text, with their URL, and are not links
    expect(html).toContain(
      '<span class="md-link">js <span class="muted">(javascript:alert`3`)</span></span>',
    );
    expect(html).not.toContain('<a ');
    expect(html).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;');
  });

  it('follows only http, https and mailto links', () => {
    expect(safeHref('https://x.example/a')).toBe('https://x.example/a');
    expect(safeHref('MAILTO:a@b')).toBe('MAILTO:a@b');
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:x',
      'JaVaScRiPt:x',
      'java\nscript:x',
      'data:text/html,x',
      'vbscript:x',
      '//evil',
      'file:///etc/passwd',
    ])
      expect(safeHref(bad)).toBeNull();
  });

  it('the workspace renders the same markup as the reports', () => {
    for (const text of [
      NOTE,
      HOSTILE,
      'plain',
      'a\nb\n\n* x\n* y\n\n#### four',
      '[x](https://a.example) and [y](javascript:z)',
    ])
      expect(same(react(text))).toBe(same(`<div class="markdown">${markdownToHtml(text)}</div>`));
  });

  it('keeps a note without markup as one paragraph of its text', () => {
    expect(parseMarkdown('just text')).toEqual([
      { t: 'para', lines: [[{ t: 'text', text: 'just text' }]] },
    ]);
    expect(markdownToHtml('')).toBe('');
  });
});
