// The cases Home lists: every case kept under NETSIFT_HOME/cases and every case opened before
// (recent.json, written only after a granted open). Each has a stable id, so the page names a case
// by its entry in this list rather than by a path. Figures (flows, span) are those the case had
// when last closed or imported: reading them would mean opening every case file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CaseInfo, RecentCase } from '../../shared/api';
import { NetsiftError } from '../core/errors';
import { homeDir, readJson, serviceHome, writeJson } from '../core/home';
import { realPath } from './path-grants';

interface Remembered {
  path: string;
  name: string;
  openedAt: string | null;
  flows: number | null;
  firstTs?: string | null;
  lastTs?: string | null;
}

const MAX_RECENT = 50;

export function casesDir(): string {
  return homeDir('cases');
}

export function caseId(file: string): string {
  return createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 16);
}

export function caseName(file: string): string {
  return path.basename(file).replace(/\.duckdb$/, '');
}

function recentFile(): string {
  return path.join(serviceHome(), 'recent.json');
}

function remembered(): Remembered[] {
  const list = readJson<unknown>(recentFile(), []);
  return Array.isArray(list)
    ? (list as Remembered[]).filter((r) => r && typeof r.path === 'string')
    : [];
}

/** Newest first: recent cases by when they were opened, then kept cases nobody opened yet. */
export function listCases(openPath: string | null): RecentCase[] {
  const dir = realPath(casesDir());
  const seen = new Set<string>();
  const out: RecentCase[] = [];
  const add = (r: Remembered) => {
    if (seen.has(r.path) || !fs.existsSync(r.path)) return;
    seen.add(r.path);
    out.push({
      id: caseId(r.path),
      path: r.path,
      name: caseName(r.path),
      openedAt: r.openedAt,
      flows: r.flows,
      firstTs: r.firstTs ?? null,
      lastTs: r.lastTs ?? null,
      bytes: size(r.path) + size(`${r.path}.wal`),
      managed: path.dirname(realPath(r.path)) === dir,
      open: r.path === openPath,
    });
  };
  for (const r of remembered()) add(r);
  const kept = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.duckdb'))
    .map((n) => path.join(dir, n))
    .sort((a, b) => mtime(b) - mtime(a));
  for (const p of kept) add({ path: p, name: caseName(p), openedAt: null, flows: null });
  return out;
}

/** The case an entry id (or a path already in the list) stands for; null when unknown. */
export function findCase(ref: string, openPath: string | null): RecentCase | null {
  const list = listCases(openPath);
  return list.find((c) => c.id === ref) ?? list.find((c) => c.path === ref) ?? null;
}

export function rememberCase(info: CaseInfo): void {
  const list = remembered().filter((r) => r.path !== info.path);
  list.unshift({
    path: info.path,
    name: info.name,
    openedAt: new Date().toISOString(),
    flows: info.flows,
    firstTs: info.firstTs,
    lastTs: info.lastTs,
  });
  writeJson(recentFile(), list.slice(0, MAX_RECENT));
}

/** Takes a case off the list (deleted, or the analyst asked to forget it). */
export function forgetCase(file: string): void {
  writeJson(
    recentFile(),
    remembered().filter((r) => r.path !== file),
  );
}

/** A case file was renamed: its entry follows it. */
export function caseMoved(from: string, to: string): void {
  writeJson(
    recentFile(),
    remembered().map((r) => (r.path === from ? { ...r, path: to, name: caseName(to) } : r)),
  );
}

/**
 * A file name from what the analyst typed (or a capture's name): letters, digits, spaces and
 * . _ - only, never a path (no separators, no leading dot).
 */
export function safeCaseName(name: string): string {
  const base = name
    .trim()
    .replace(/\.duckdb$/i, '')
    .replace(/[^\w .-]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[ ._-]+/, '')
    .slice(0, 100)
    .trim();
  if (!base)
    throw new NetsiftError(
      'a case needs a name (letters, digits, spaces, dot, dash or underscore)',
      'usage',
    );
  return base;
}

/** A case named after a capture: `capture.csv.gz` -> cases/capture.duckdb (capture-2... if taken). */
export function newCasePath(name: string): string {
  const base = safeCaseName(
    name.replace(
      /(\.(gz|csv|log|txt|json|ndjson|binetflow|argus|pcap|pcapng|nfcapd|tsv))+$/gi,
      '',
    ) || 'case',
  );
  const dir = casesDir();
  for (let i = 1; ; i++) {
    const p = path.join(dir, `${i === 1 ? base : `${base}-${i}`}.duckdb`);
    if (!fs.existsSync(p) && !fs.existsSync(`${p}.wal`)) return p;
  }
}

function size(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}
