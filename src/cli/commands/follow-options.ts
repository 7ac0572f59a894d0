// `netsift follow` options into a FollowRequest: durations (90s, 15m, 24h, 7d), --detect-every
// as a time or a number of batches, the retention and its answer at the limit.
import type { FollowRequest, RetentionRequest } from '../../shared/follow';
import { NetsiftError } from '../../engine/index';
import type { ParsedArgs } from '../args';

const UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** "90s", "15m", "24h", "7d", or plain seconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$/i.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * UNITS[(m[2] ?? 's').toLowerCase()];
  return v > 0 ? v : null;
}

/** --detect-every 60s | 5m | 10b | "10 batches" */
export function parseDetectEvery(text: string): { seconds?: number; batches?: number } {
  const b = /^\s*(\d+)\s*(b|batch|batches)\s*$/i.exec(text);
  if (b && Number(b[1]) > 0) return { batches: Number(b[1]) };
  const s = parseDuration(text);
  if (s !== null) return { seconds: s };
  throw new NetsiftError(
    `--detect-every ${text}: expected a time (60s, 5m) or a number of batches (10b)`,
    'usage',
  );
}

function positive(flags: ParsedArgs['flags'], name: string, integer = false): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || v <= 0 || (integer && !Number.isInteger(v)))
    throw new NetsiftError(
      `--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${String(v)}`,
      'usage',
    );
  return v;
}

export { positive };

export function retention(flags: ParsedArgs['flags']): RetentionRequest | undefined {
  const onLimit = (flags['on-limit'] as string | undefined) ?? 'drop';
  if (onLimit !== 'drop' && onLimit !== 'stop')
    throw new NetsiftError(`--on-limit must be drop or stop, got "${onLimit}"`, 'usage');
  let seconds: number | undefined;
  if (flags.retain !== undefined) {
    const s = parseDuration(String(flags.retain));
    if (s === null)
      throw new NetsiftError(
        `--retain ${String(flags.retain)}: expected a duration such as 24h, 90m or 7d`,
        'usage',
      );
    seconds = s;
  }
  const maxFlows = positive(flags, 'max-flows', true);
  if (seconds === undefined && maxFlows === undefined) {
    if (flags['on-limit'] !== undefined)
      throw new NetsiftError('--on-limit needs --retain DURATION or --max-flows N', 'usage');
    return undefined;
  }
  return { seconds, maxFlows, onLimit };
}

/** Everything but the source. */
export function followRequest(flags: ParsedArgs['flags']): Omit<FollowRequest, 'source'> {
  const every =
    typeof flags['detect-every'] === 'string' ? parseDetectEvery(flags['detect-every']) : {};
  const settle = positive(flags, 'settle');
  const poll = positive(flags, 'poll');
  return {
    format: typeof flags.format === 'string' ? flags.format : undefined,
    tz: typeof flags.tz === 'string' ? flags.tz : undefined,
    batchSeconds: positive(flags, 'batch-seconds'),
    settleSeconds: settle,
    pollSeconds: poll,
    newOnly: !!flags['new-only'],
    retain: retention(flags),
    detectEverySeconds: every.seconds,
    detectEveryBatches: every.batches,
    noGeo: !!flags['no-geo'],
  };
}
