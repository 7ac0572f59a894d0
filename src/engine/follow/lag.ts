// How far behind the follower is, in the analyst's words: wall time (how long the oldest input
// not imported yet has waited: files queued, lines appended) and data time (the newest flow
// imported against the clock; for a live capture the flows' own lag, for a replay the age of the
// capture).
import type { FollowLag } from '../../shared/follow';
import type { SourceBacklog } from './follow-source';

export function durationWords(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 >= 1 ? ` ${Math.floor(s % 60)} s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function bytesWords(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MB`;
  return `${(n / 2 ** 30).toFixed(2)} GB`;
}

export function lagOf(b: SourceBacklog, newestFlow: string | null, now: number): FollowLag {
  const behind =
    b.oldestWaitingSince === null ? 0 : Math.max(0, (now - b.oldestWaitingSince) / 1000);
  const newest = newestFlow
    ? Date.parse(newestFlow.endsWith('Z') ? newestFlow : `${newestFlow.replace(' ', 'T')}Z`)
    : NaN;
  const dataBehind = Number.isFinite(newest) ? (now - newest) / 1000 : null;
  const waiting: string[] = [];
  if (b.queuedFiles)
    waiting.push(
      `${b.queuedFiles} file${b.queuedFiles === 1 ? '' : 's'}, ${bytesWords(b.queuedBytes)}`,
    );
  if (b.unreadBytes) waiting.push(`${bytesWords(b.unreadBytes)} unread`);
  const text =
    behind < 1 && waiting.length === 0
      ? 'caught up'
      : `${durationWords(behind)} behind${waiting.length ? ` (${waiting.join('; ')} waiting)` : ''}`;
  return {
    behindSeconds: behind,
    newestFlow,
    dataBehindSeconds: dataBehind,
    queuedFiles: b.queuedFiles,
    queuedBytes: b.queuedBytes,
    unreadBytes: b.unreadBytes,
    text,
  };
}
