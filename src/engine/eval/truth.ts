// Reads ground truth: the generator's incidents and benign files, per-flow label files (with the
// flows they label), or the label column of a case. Errors name the file, line and field.
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { parseIpv4, parseIpv6 } from '../util/ip';
import type { TrueIncident, Truth } from './types';

const validIp = (s: string) => parseIpv4(s) !== null || parseIpv6(s) !== null;

/** Labels meaning "not an attack" in public data sets (compared case-insensitively). */
const BENIGN_LABELS = new Set(['', '-', 'benign', 'normal', 'background', 'legitimate', '0', 'none', '(empty)']);
export function isMaliciousLabel(label: string | null | undefined): boolean {
  if (label == null) return false;
  const l = label.trim().toLowerCase();
  // CTU-13 binetflow labels name the capture's role: only "flow=From-Botnet..." / "...Botnet..."
  // flows are malicious; "flow=To-Background-...", "flow=Normal-..." and the rest are not.
  if (l.startsWith('flow=')) return l.includes('botnet');
  // Zeek/IoT-23 style "benign   -   -" or "Benign" prefixes
  return !BENIGN_LABELS.has(l) && !l.startsWith('benign') && !l.startsWith('normal') && !l.startsWith('background');
}

function readText(file: string): string {
  if (!fs.existsSync(file)) throw new NetsiftError(`${file}: no such file`, 'input');
  const raw = fs.readFileSync(file);
  return (file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
}

function csvRows(file: string, expected: string[]): { line: number; cells: Record<string, string> }[] {
  const lines = readText(file).split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  for (const col of expected)
    if (!header.includes(col))
      throw new NetsiftError(`${file}: line 1: missing column "${col}" (expected header ${expected.join(',')})`, 'input');
  const out: { line: number; cells: Record<string, string> }[] = [];
  lines.slice(1).forEach((text, i) => {
    if (text.trim() === '') return;
    const parts = text.split(',');
    if (parts.length !== header.length)
      throw new NetsiftError(`${file}: line ${i + 2}: ${parts.length} fields, expected ${header.length}`, 'input');
    out.push({ line: i + 2, cells: Object.fromEntries(header.map((h, k) => [h, parts[k].trim()])) });
  });
  return out;
}

function isoTime(file: string, line: number, field: string, v: string): string {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw new NetsiftError(`${file}: line ${line}: field ${field}: not a time: "${v}"`, 'input');
  return new Date(ms).toISOString();
}

/** `id,type,attacker,victims,start,end` (victims `;`-separated; attacker empty for spoofed floods). */
export function readIncidentsFile(file: string): TrueIncident[] {
  return csvRows(file, ['id', 'type', 'attacker', 'victims', 'start', 'end']).map(({ line, cells }) => {
    const attacker = cells.attacker || null;
    if (attacker && !validIp(attacker)) throw new NetsiftError(`${file}: line ${line}: field attacker: not an IP address: "${attacker}"`, 'input');
    const victims = cells.victims ? cells.victims.split(';').map((v) => v.trim()).filter(Boolean) : [];
    for (const v of victims) if (!validIp(v)) throw new NetsiftError(`${file}: line ${line}: field victims: not an IP address: "${v}"`, 'input');
    if (!attacker && victims.length === 0)
      throw new NetsiftError(`${file}: line ${line}: an incident needs an attacker or victims`, 'input');
    if (!cells.type) throw new NetsiftError(`${file}: line ${line}: field type is empty`, 'input');
    return {
      id: cells.id || `line-${line}`,
      type: cells.type,
      attacker,
      victims,
      start: isoTime(file, line, 'start', cells.start),
      end: isoTime(file, line, 'end', cells.end),
    };
  });
}

/** `role,ip`. */
export function readBenignFile(file: string): { role: string; ip: string }[] {
  return csvRows(file, ['role', 'ip']).map(({ line, cells }) => {
    if (!validIp(cells.ip)) throw new NetsiftError(`${file}: line ${line}: field ip: not an IP address: "${cells.ip}"`, 'input');
    return { role: cells.role, ip: cells.ip };
  });
}

function addHost(map: Map<string, Set<string>>, ip: string, label: string): void {
  const s = map.get(ip);
  if (s) s.add(label);
  else map.set(ip, new Set([label]));
}

/** The flow file a labels file belongs to: x.labels.csv[.gz] -> x.csv[.gz]. */
export function flowsFileFor(labelsFile: string): string | null {
  const base = labelsFile.replace(/\.labels\.csv(\.gz)?$/, '');
  if (base === labelsFile) return null;
  for (const c of [`${base}.csv`, `${base}.csv.gz`]) if (fs.existsSync(c)) return c;
  return null;
}

function lines(file: string): AsyncIterable<string> {
  const input = fs.createReadStream(file);
  return readline.createInterface({ input: file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input, crlfDelay: Infinity });
}

/**
 * Per-flow labels (`line,label`, one per flow line) with the seed-format flow file they label:
 * streamed, so a 10M-flow capture needs only a label index per line.
 */
export async function readFlowLabels(labelsFile: string, flowsFile: string): Promise<Pick<Truth, 'maliciousHosts' | 'involvedHosts'>> {
  for (const f of [labelsFile, flowsFile]) if (!fs.existsSync(f)) throw new NetsiftError(`${f}: no such file`, 'input');
  const names: string[] = [];
  const index = new Map<string, number>();
  const byLine: number[] = [];
  let n = 0;
  for await (const text of lines(labelsFile)) {
    n++;
    if (text === '' || (n === 1 && /^line,label$/i.test(text))) continue;
    const comma = text.indexOf(',');
    const line = Number(text.slice(0, comma));
    if (comma < 0 || !Number.isInteger(line) || line < 1)
      throw new NetsiftError(`${labelsFile}: line ${n}: expected "line,label", got "${text.slice(0, 80)}"`, 'input');
    const label = text.slice(comma + 1).trim();
    if (!isMaliciousLabel(label)) continue;
    let k = index.get(label);
    if (k === undefined) {
      k = names.push(label);
      index.set(label, k);
    }
    byLine[line] = k;
  }
  const maliciousHosts = new Map<string, Set<string>>();
  const involvedHosts = new Set<string>();
  let line = 0;
  for await (const text of lines(flowsFile)) {
    line++;
    const k = byLine[line];
    if (!k) continue;
    const f = text.split(',');
    if (f.length < 9) throw new NetsiftError(`${flowsFile}: line ${line}: ${f.length} fields, expected 9 (seed format)`, 'input');
    addHost(maliciousHosts, f[3], names[k - 1]);
    involvedHosts.add(f[5]);
  }
  return { maliciousHosts, involvedHosts };
}

/** The label column of a case's flows. */
export async function readCaseLabels(store: CaseStore): Promise<Pick<Truth, 'maliciousHosts' | 'involvedHosts'>> {
  const rows = await store.all<{ src_ip: string; dst_ip: string; label: string }>(
    `SELECT DISTINCT src_ip, dst_ip, label FROM flows WHERE label IS NOT NULL`,
  );
  const maliciousHosts = new Map<string, Set<string>>();
  const involvedHosts = new Set<string>();
  for (const r of rows) {
    if (!isMaliciousLabel(r.label)) continue;
    addHost(maliciousHosts, String(r.src_ip), r.label);
    involvedHosts.add(String(r.dst_ip));
  }
  return { maliciousHosts, involvedHosts };
}
