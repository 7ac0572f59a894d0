// A mapping file names which columns of an existing table (Akvorado, a collector's own schema)
// hold netsift's flow fields. JSON, e.g.
//   { "table": "flows_5m", "fields": { "ts": "TimeReceived", "src_ip": "SrcAddr", ... }, "ts_unit": "s" }
// Fields left out (or null) are absent: bytes 0, packets/ports/label NULL, state 'other',
// proto 'unknown'. Only column names; no SQL. A mapped table is read-only.
import fs from 'node:fs';
import { NetsiftError } from '../../core/errors';
import { FLOW_FIELDS, type FieldMap, type FlowField, type TimeUnit } from './table-model';

export interface StoreMapping {
  /** The file it came from, for messages and the case record. */
  file: string;
  table: string;
  fields: FieldMap;
  tsUnit?: TimeUnit;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export function parseMapping(text: string, file: string): StoreMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NetsiftError(`${file}: not JSON (${(e as Error).message})`, 'usage');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new NetsiftError(`${file}: expected an object with "table" and "fields"`, 'usage');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['table', 'fields', 'ts_unit', 'comment'].includes(k))
      throw new NetsiftError(
        `${file}: unknown key "${k}" (known: table, fields, ts_unit, comment)`,
        'usage',
      );
  if (typeof o.table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.table))
    throw new NetsiftError(`${file}: "table" must be a plain table name`, 'usage');
  if (!o.fields || typeof o.fields !== 'object' || Array.isArray(o.fields))
    throw new NetsiftError(`${file}: "fields" must map netsift fields to column names`, 'usage');
  const fields: FieldMap = {};
  for (const [k, v] of Object.entries(o.fields as Record<string, unknown>)) {
    if (!(FLOW_FIELDS as readonly string[]).includes(k))
      throw new NetsiftError(
        `${file}: fields.${k}: not a netsift field (known: ${FLOW_FIELDS.join(', ')})`,
        'usage',
      );
    if (v !== null && (typeof v !== 'string' || !NAME.test(v)))
      throw new NetsiftError(
        `${file}: fields.${k}: a column name or null, not ${JSON.stringify(v)}`,
        'usage',
      );
    fields[k as FlowField] = v as string | null;
  }
  for (const req of ['ts', 'src_ip', 'dst_ip'] as const)
    if (!fields[req]) throw new NetsiftError(`${file}: fields.${req} is required`, 'usage');
  const unit = o.ts_unit;
  if (unit !== undefined && unit !== 's' && unit !== 'ms' && unit !== 'us')
    throw new NetsiftError(`${file}: ts_unit is s, ms or us (for integer time columns)`, 'usage');
  return { file, table: o.table, fields, tsUnit: unit as TimeUnit | undefined };
}

export function readMapping(file: string): StoreMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new NetsiftError(
      `${file}: cannot read the mapping file (${(e as NodeJS.ErrnoException).code})`,
      'usage',
    );
  }
  return parseMapping(text, file);
}
