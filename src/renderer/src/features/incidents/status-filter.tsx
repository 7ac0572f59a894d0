// Triage status as a filter of the incident list: one chip per status with its count, closed
// and false positives hidden by default, and one click to show everything.
import type { TriageStatus } from '../../../../shared/triage';
import { TRIAGE_STATUSES } from '../../../../shared/triage';

export const STATUS_LABEL: Record<TriageStatus, string> = {
  new: 'New',
  investigating: 'Investigating',
  confirmed: 'Confirmed',
  'false-positive': 'False positive',
  closed: 'Closed',
};

/** What the list shows until the analyst chooses: everything still open. */
export const DEFAULT_STATUSES: TriageStatus[] = ['new', 'investigating', 'confirmed'];

export function StatusFilter({
  counts,
  shown,
  onChange,
}: {
  counts: Record<TriageStatus, number>;
  shown: TriageStatus[];
  onChange(s: TriageStatus[]): void;
}) {
  const all = TRIAGE_STATUSES.every((s) => shown.includes(s));
  const hidden = TRIAGE_STATUSES.filter((s) => !shown.includes(s)).reduce(
    (n, s) => n + counts[s],
    0,
  );
  return (
    <div className="status-filter" role="group" aria-label="Status filter">
      {TRIAGE_STATUSES.map((s) => {
        const on = shown.includes(s);
        return (
          <button
            key={s}
            type="button"
            className={`status-chip status-${s}`}
            aria-pressed={on}
            title={
              on
                ? `Hide ${STATUS_LABEL[s].toLowerCase()} incidents`
                : `Show ${STATUS_LABEL[s].toLowerCase()} incidents`
            }
            onClick={() =>
              onChange(
                on
                  ? shown.filter((x) => x !== s)
                  : TRIAGE_STATUSES.filter((x) => x === s || shown.includes(x)),
              )
            }
          >
            {STATUS_LABEL[s]} <span className="n">{counts[s]}</span>
          </button>
        );
      })}
      {all ? (
        <button type="button" className="link" onClick={() => onChange(DEFAULT_STATUSES)}>
          hide closed
        </button>
      ) : (
        <button
          type="button"
          className="link"
          onClick={() => onChange([...TRIAGE_STATUSES])}
          disabled={hidden === 0}
          title="Show incidents of every status"
        >
          show all{hidden ? ` (+${hidden})` : ''}
        </button>
      )}
    </div>
  );
}
