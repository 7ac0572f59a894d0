// Analyst notes as React elements, from the same parse as the reports (src/shared/markdown.ts):
// the safe subset only, never raw HTML, so a note can neither inject markup nor run script.
import type { ReactNode } from 'react';
import { headingTag, parseMarkdown, type MdInline } from '../../../../shared/markdown';

function inline(nodes: MdInline[], key = ''): ReactNode[] {
  return nodes.map((n, k) => {
    const i = `${key}${k}`;
    switch (n.t) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inline(n.children, `${i}.`)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children, `${i}.`)}</em>;
      case 'link':
        return n.href ? (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {n.label}
          </a>
        ) : (
          <span key={i} className="md-link">
            {n.label} <span className="muted">({n.url})</span>
          </span>
        );
    }
  });
}

export function Markdown({ text }: { text: string }) {
  const blocks = parseMarkdown(text).map((b, i) => {
    switch (b.t) {
      case 'heading': {
        const H = headingTag(b.level);
        return <H key={i}>{inline(b.children)}</H>;
      }
      case 'para':
        return (
          <p key={i}>
            {b.lines.flatMap((l, j) =>
              j ? [<br key={`br${j}`} />, ...inline(l, `${j}.`)] : inline(l, `${j}.`),
            )}
          </p>
        );
      case 'list': {
        const items = b.items.map((it, j) => <li key={j}>{inline(it)}</li>);
        return b.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
      }
      case 'code':
        return (
          <pre key={i}>
            <code>{b.text}</code>
          </pre>
        );
    }
  });
  return <div className="markdown">{blocks}</div>;
}
