// Looks at a file before it is imported: its format, when its flows start, and whether its
// timestamps carry a zone. The first lines (the sample the format was sniffed from) are imported
// for real, by the same pipeline, into a throwaway in-memory case: once read as UTC and once as
// UTC-5. When the first timestamp moves, the file's times carry no zone (Argus or CICFlowMeter
// local times, a CSV without offset) and the zone the analyst picks decides where they land.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseZone } from '../../shared/api';
import { importFiles, pickFormat } from '../import/pipeline';
import { looksBinary, readSample } from '../import/sample';
import type { ImportSummary } from '../../shared/model';
import { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { makeOwnedTempDir } from '../util/owned-temp';

/** Prefix of the folders the look writes its sample to (swept like analyze's, util/owned-temp.ts). */
export const CHECK_TEMP_PREFIX = 'netsift-check-';
/** A zone no one uses for logs, far from UTC: moves zone-less times by five hours. */
const PROBE_ZONE = 'Etc/GMT+5';

export interface FileLook {
  bytes: number;
  format: string | null;
  formatTitle: string | null;
  /** First timestamp of the first lines, read in `tz` when they carry no zone. */
  firstTs: string | null;
  zoneless: boolean | null;
  error: string | null;
}

/** Looks already taken (checkImport, then the job itself), by file, its size and time, and options. */
const recent = new Map<string, { at: number; look: FileLook }>();
const KEEP_MS = 10 * 60 * 1000;

export async function lookAtFile(
  file: string,
  opts: { format?: string; tz?: string | null } = {},
): Promise<FileLook> {
  let key: string | null = null;
  try {
    const st = fs.statSync(file);
    key = JSON.stringify([file, st.size, st.mtimeMs, st.ino, opts.format ?? null, opts.tz ?? null]);
  } catch {
    // looked at below, and reported
  }
  const now = Date.now();
  for (const [k, v] of recent) if (now - v.at > KEEP_MS) recent.delete(k);
  const known = key ? recent.get(key) : undefined;
  if (known) return { ...known.look };
  const look = await lookFresh(file, opts);
  if (key) {
    if (recent.size >= 200) recent.delete(recent.keys().next().value!);
    recent.set(key, { at: now, look });
  }
  return { ...look };
}

async function lookFresh(
  file: string,
  opts: { format?: string; tz?: string | null },
): Promise<FileLook> {
  const look: FileLook = {
    bytes: 0,
    format: null,
    formatTitle: null,
    firstTs: null,
    zoneless: null,
    error: null,
  };
  let sample;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new NetsiftError('not a regular file', 'input');
    look.bytes = st.size;
    if (st.size === 0) throw new NetsiftError('empty file', 'input');
    sample = await readSample(file);
    const format = pickFormat(sample, st.size, opts.format);
    look.format = format.id;
    look.formatTitle = format.title;
  } catch (e) {
    // the pipeline's messages start with the path; the list shows the file's name beside it
    look.error = (e as Error).message.replace(`${file}: `, '');
    return look;
  }
  const dir = makeOwnedTempDir(CHECK_TEMP_PREFIX);
  let store: CaseStore | null = null;
  try {
    const head = path.join(dir, path.basename(file).replace(/\.gz$/i, ''));
    fs.writeFileSync(head, looksBinary(sample.head) ? sample.head : sample.lines.join('\n') + '\n');
    store = await CaseStore.open(':memory:', { threads: 1 });
    const first = async (tz: string) => {
      const r = (await importFiles(store!, [head], {
        format: look.format!,
        tz,
        allowDuplicate: true,
        noGeo: true, // a probe of the first lines: country/AS would only cost time
      }).result) as ImportSummary;
      return r.files[0]?.record?.first_ts ?? null;
    };
    const utc = await first('UTC');
    const probe = await first(PROBE_ZONE);
    if (utc && probe) {
      look.zoneless = utc !== probe;
      const tz = opts.tz && opts.tz !== 'UTC' && look.zoneless ? opts.tz : null;
      look.firstTs = tz ? await first(tz) : utc;
    }
  } catch {
    // the first lines alone do not import (a cut binary record, a header only): nothing known
  } finally {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return look;
}

/** How a file's timestamps were placed: see CaseZone.source. */
export function zoneSource(zoneless: boolean | null, chosen: boolean): CaseZone['source'] {
  if (zoneless === false) return 'file';
  if (zoneless === null) return 'unknown';
  return chosen ? 'chosen' : 'assumed';
}
