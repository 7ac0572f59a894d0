// How detectors word figures in summaries and notes (the analyst reads them; tests compare them).

/** A duration as "45 s", "12 min" or "2.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
