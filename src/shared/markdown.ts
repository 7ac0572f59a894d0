// The safe Markdown subset of analyst notes, parsed once into plain data that the workspace
// (React elements) and the reports (escaped HTML) each render the same way. The subset:
// headings (# to ####), paragraphs with line breaks, - / * / + and 1. lists, ``` code blocks,
// `code`, **bold**, *em*, and [links](url). Nothing else is markup: raw HTML is text, and a
// link keeps its href only for http, https and mailto (`javascript:` and the like stay text).

export type MdInline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: MdInline[] }
  | { t: 'em'; children: MdInline[] }
  /** href is null when the URL is not one we let a reader follow (then shown as text). */
  | { t: 'link'; label: string; url: string; href: string | null };

export type MdBlock =
  | { t: 'heading'; level: 1 | 2 | 3 | 4; children: MdInline[] }
  /** Lines of one paragraph (rendered with line breaks between them). */
  | { t: 'para'; lines: MdInline[][] }
  | { t: 'list'; ordered: boolean; items: MdInline[][] }
  | { t: 'code'; text: string };

const INLINE =
  /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|\[[^\]]+\]\([^)\s]+\))/g;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s/;
const HEADING = /^#{1,4}\s/;

/** The URL itself when a reader may follow it (http, https, mailto), else null. */
export function safeHref(url: string): string | null {
  const u = url.trim();
  // control characters and whitespace inside a scheme are how `java\tscript:` slips through
  if ([...u].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || /\s/.test(c))) return null;
  return /^(https?:\/\/|mailto:)/i.test(u) ? u : null;
}

export function parseInline(text: string): MdInline[] {
  const out: MdInline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push({ t: 'text', text: text.slice(last, m.index) });
    const s = m[0];
    if (s.startsWith('`')) out.push({ t: 'code', text: s.slice(1, -1) });
    else if (s.startsWith('**') || s.startsWith('__'))
      out.push({ t: 'strong', children: parseInline(s.slice(2, -2)) });
    else if (s.startsWith('[')) {
      const [, label, url] = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(s) ?? ['', s, ''];
      out.push({ t: 'link', label, url, href: safeHref(url) });
    } else out.push({ t: 'em', children: parseInline(s.slice(1, -1)) });
    last = m.index + s.length;
  }
  if (last < text.length) out.push({ t: 'text', text: text.slice(last) });
  return out;
}

export function parseMarkdown(text: string): MdBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MdBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
    } else if (line.startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].startsWith('```')) body.push(lines[i++]);
      i++; // the closing fence (or the end of the text)
      blocks.push({ t: 'code', text: body.join('\n') });
    } else if (HEADING.test(line)) {
      const level = /^#+/.exec(line)![0].length as 1 | 2 | 3 | 4;
      blocks.push({ t: 'heading', level, children: parseInline(line.replace(/^#+\s*/, '')) });
      i++;
    } else if (LIST_ITEM.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: MdInline[][] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i]))
        items.push(parseInline(lines[i++].replace(/^\s*([-*+]|\d+[.)])\s+/, '')));
      blocks.push({ t: 'list', ordered, items });
    } else {
      const para: MdInline[][] = [];
      while (
        i < lines.length &&
        lines[i].trim() &&
        !/^(#{1,4}\s|```)/.test(lines[i]) &&
        !LIST_ITEM.test(lines[i])
      )
        para.push(parseInline(lines[i++]));
      blocks.push({ t: 'para', lines: para });
    }
  }
  return blocks;
}

/** Heading element for a note's heading level: notes sit under the pane's or section's own title. */
export function headingTag(level: 1 | 2 | 3 | 4): 'h3' | 'h4' | 'h5' | 'h6' {
  return (['h3', 'h4', 'h5', 'h6'] as const)[level - 1];
}

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]);

function inlineHtml(nodes: MdInline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return esc(n.text);
        case 'code':
          return `<code>${esc(n.text)}</code>`;
        case 'strong':
          return `<strong>${inlineHtml(n.children)}</strong>`;
        case 'em':
          return `<em>${inlineHtml(n.children)}</em>`;
        case 'link':
          return n.href
            ? `<a href="${esc(n.href)}" target="_blank" rel="noopener noreferrer">${esc(n.label)}</a>`
            : `<span class="md-link">${esc(n.label)} <span class="muted">(${esc(n.url)})</span></span>`;
      }
    })
    .join('');
}

/** Notes as HTML for the reports: every text escaped, only the subset's own tags. */
export function markdownToHtml(text: string): string {
  return parseMarkdown(text)
    .map((b) => {
      switch (b.t) {
        case 'heading': {
          const h = headingTag(b.level);
          return `<${h}>${inlineHtml(b.children)}</${h}>`;
        }
        case 'para':
          return `<p>${b.lines.map(inlineHtml).join('<br>')}</p>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          return `<${tag}>${b.items.map((it) => `<li>${inlineHtml(it)}</li>`).join('')}</${tag}>`;
        }
        case 'code':
          return `<pre><code>${esc(b.text)}</code></pre>`;
      }
    })
    .join('\n');
}
