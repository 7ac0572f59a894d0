// An exclusive lock between processes (CLI runs, the server, the desktop app) on one file in
// NETSIFT_HOME: a lock file created with O_EXCL ('wx') holding its owner's pid, host and a random
// nonce. Node has no flock(2); O_EXCL create is atomic on local file systems and on NFSv3+.
//
// A lock whose owner died (same host, pid gone) or that is older than `staleMs` is stale and is
// taken over. Breaking it is serialised by a second, short-lived lock file (`<lock>.break`): the
// breaker re-reads the lock under it and removes it only if it is still the stale one it saw, so
// two waiters that both saw a stale lock never remove the fresh lock one of them then took.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { NetsiftError } from '../core/errors';

export interface LockOptions {
  /** Give up waiting after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this is stale even if its owner seems alive (pid reused, other host). */
  staleMs?: number;
  /** What the lock protects, for the error message ("the feed catalogue"). */
  what?: string;
}

interface Owner {
  pid: number;
  host: string;
  nonce: string;
  at: string;
}

interface Seen {
  raw: string;
  mtimeMs: number;
  owner: Owner | null;
}

/** A lock file being written (created, not yet filled) is this young at most. */
const HALF_WRITTEN_MS = 10_000;

function look(file: string): Seen | null {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    let owner: Owner | null = null;
    try {
      const o = JSON.parse(raw) as Owner;
      if (typeof o.pid === 'number' && typeof o.nonce === 'string') owner = o;
    } catch {
      // empty or half written: judged by its age below
    }
    return { raw, mtimeMs, owner };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(s: Seen, staleMs: number): boolean {
  const age = Date.now() - s.mtimeMs;
  if (!s.owner) return age > HALF_WRITTEN_MS;
  if (s.owner.host === os.hostname() && !alive(s.owner.pid)) return true;
  return age > staleMs;
}

function sameLock(a: Seen | null, b: Seen): boolean {
  return !!a && a.raw === b.raw && a.mtimeMs === b.mtimeMs;
}

/** Removes `file` if it is still the stale lock `seen`, under the breaker lock. */
function breakStale(file: string, seen: Seen): void {
  const breaker = `${file}.break`;
  try {
    fs.writeFileSync(breaker, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // another process is breaking it right now; a breaker left by a crash is removed when old
    const b = look(breaker);
    if (b && Date.now() - b.mtimeMs > HALF_WRITTEN_MS) fs.rmSync(breaker, { force: true });
    return;
  }
  try {
    if (sameLock(look(file), seen)) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the lock (waiting for it), runs `fn`, releases the lock even when `fn` throws. */
export async function withFileLock<T>(
  file: string,
  fn: () => T | Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const staleMs = opts.staleMs ?? 10 * 60_000;
  const nonce = randomBytes(8).toString('hex');
  const body = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    nonce,
    at: new Date().toISOString(),
  } satisfies Owner);
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = look(file);
    if (seen && isStale(seen, staleMs)) {
      breakStale(file, seen);
      continue;
    }
    if (Date.now() > deadline) {
      const o = seen?.owner;
      throw new NetsiftError(
        `${opts.what ?? file} is locked${o ? ` by process ${o.pid} on ${o.host} since ${o.at}` : ''} ` +
          `(${file}); try again, or delete that file if no netsift process is running`,
        'input',
      );
    }
    // jittered backoff: ten waiters do not wake in step
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 100);
  }
  try {
    return await fn();
  } finally {
    // only our own lock: one taken over as stale (we ran past staleMs) belongs to someone else now
    if (look(file)?.owner?.nonce === nonce) fs.rmSync(file, { force: true });
  }
}
