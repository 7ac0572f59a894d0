// Where the case's timestamps were placed in time. A zone that was assumed (the files carry none
// and nobody chose one) is shown as a warning: an Argus capture in local time read as UTC is
// hours off, and the analyst should know.
import type { CaseZone } from '../../../../shared/api';

const SAID: Record<CaseZone['source'], string> = {
  file: 'as the files say',
  chosen: 'chosen at import',
  assumed: 'assumed: the files carry no zone',
  unknown: 'set at import',
};

/** The summary's list: each zone, how it was decided, and its files. */
export function ZoneList({ zones }: { zones: CaseZone[] }) {
  if (!zones.length) return <span className="muted">none</span>;
  return (
    <ul className="zone-list">
      {zones.map((z) => (
        <li key={`${z.zone}:${z.source}`} className={z.source === 'assumed' ? 'warn' : ''}>
          {z.zone} ({SAID[z.source]}): {z.files.join(', ')}
        </li>
      ))}
    </ul>
  );
}

/**
 * The workspace header's note. Shown when a zone was chosen or assumed for zone-less timestamps
 * (or set by the CLI's --tz); nothing when every file carried its own zone.
 */
export function ZoneBadge({ zones }: { zones: CaseZone[] }) {
  const shown = zones.filter(
    (z) =>
      z.source === 'assumed' ||
      z.source === 'chosen' ||
      (z.source === 'unknown' && z.zone !== 'UTC'),
  );
  if (!shown.length) return null;
  const assumed = shown.some((z) => z.source === 'assumed');
  const label = [...new Set(shown.map((z) => z.zone))].join(', ');
  const title = shown.map((z) => `${z.zone} (${SAID[z.source]}): ${z.files.join(', ')}`).join('\n');
  return (
    <span
      className={`zone-badge${assumed ? ' warn' : ''}`}
      title={`Times are shown in UTC. Timestamps without a zone were read as:\n${title}`}
      data-testid="case-zone"
    >
      local times read as {label}
      {assumed ? ' (assumed)' : ''}
    </span>
  );
}
