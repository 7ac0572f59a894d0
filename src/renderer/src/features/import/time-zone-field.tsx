// The zone for timestamps that carry none: empty means "as the files say" (UTC where they say
// nothing, and the summary says it was assumed). Any IANA name; the list offers the browser's.
import { useMemo } from 'react';

const COMMON = [
  'UTC',
  'Europe/Berlin',
  'Europe/Prague',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
];

export function TimeZoneField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const zones = useMemo(() => {
    const all =
      (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
        'timeZone',
      ) ?? [];
    return [...new Set([...COMMON, ...all])];
  }, []);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div className="row tz-field">
      <input
        aria-label="Time zone"
        list="netsift-zones"
        value={value}
        placeholder="as the files say (UTC where they say nothing)"
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id="netsift-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {local && local !== value && (
        <button type="button" onClick={() => onChange(local)} title="The zone of this computer">
          Use {local}
        </button>
      )}
      {value && (
        <button type="button" onClick={() => onChange('')}>
          As the files say
        </button>
      )}
    </div>
  );
}
