// The filter language at a glance: grammar, every term with its meaning, and examples to try.
import { FILTER_EXAMPLES, FILTER_GRAMMAR, FILTER_TERMS } from '../../../../shared/filter-language';

export function FilterHelp({ onPick }: { onPick(text: string): void }) {
  return (
    <div className="popover filter-help" role="dialog" aria-label="Filter language">
      <h3>Filter language (nfdump-like)</h3>
      <ul className="grammar">
        {FILTER_GRAMMAR.map((g) => (
          <li key={g}>{g}</li>
        ))}
      </ul>
      <table className="mini">
        <tbody>
          {FILTER_TERMS.map((t) => (
            <tr key={t.syntax}>
              <td>
                <code>{t.syntax}</code>
              </td>
              <td>{t.meaning}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  title="Put this example in the filter bar"
                  onClick={() => onPick(t.example)}
                >
                  <code>{t.example}</code>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Examples</h3>
      <ul className="examples">
        {FILTER_EXAMPLES.map((e) => (
          <li key={e.text}>
            <button type="button" className="link" onClick={() => onPick(e.text)}>
              <code>{e.text}</code>
            </button>{' '}
            <span className="muted">{e.meaning}</span>
          </li>
        ))}
      </ul>
      <p className="muted">Tab completes a keyword; ↑/↓ choose among the completions.</p>
    </div>
  );
}
