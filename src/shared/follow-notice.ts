// Which incidents notify the analyst while following, and in what words: one rule and one text
// for the CLI's `--notify` line, the workspace's toast and Electron's desktop notification.
import type { IncidentNotice } from './follow';
import { SEVERITIES, type Severity } from './model';

/** Severities a person can choose to be told about (info is never worth an interruption). */
export const NOTIFY_SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as string[]).includes(v);
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * The notices worth telling at `min`: incidents new at or above it, and incidents that rose to it
 * from below (one already at or above it that rises further was told already).
 */
export function worthTelling(notices: IncidentNotice[], min: Severity): IncidentNotice[] {
  return notices.filter(
    (n) =>
      rank(n.severity) >= rank(min) &&
      (n.change === 'new' || n.previousSeverity === null || rank(n.previousSeverity) < rank(min)),
  );
}

/** "New high incident: vertical-scan by 192.168.100.96" */
export function noticeTitle(n: IncidentNotice): string {
  const who = n.attacker ? ` by ${n.attacker}` : '';
  return n.change === 'new'
    ? `New ${n.severity} incident: ${n.type}${who}`
    : `Incident now ${n.severity}: ${n.type}${who}`;
}

/** The incident's summary with its number and score. */
export function noticeBody(n: IncidentNotice): string {
  return `#${n.id} (score ${n.score.toFixed(2)}): ${n.summary}`;
}
