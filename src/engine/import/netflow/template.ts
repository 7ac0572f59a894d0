// Template records of NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): parsed from their sets into
// field lists the record decoder walks. A template whose known elements have lengths the decoder
// cannot read keeps a `problem`: its records are counted and rejected with that reason, never
// misread. Parsing stops at the first record that overruns its set; what came before is kept.
import { REVERSE_PEN, VARIABLE_LENGTH, allowedLengths, elementName } from './elements';
import { hex } from './wire';

export interface FieldSpec {
  /** element id (enterprise bit cleared); -1 for a NetFlow v9 options scope field (not an element) */
  id: number;
  /** private enterprise number, 0 for IANA elements */
  pen: number;
  /** bytes, or VARIABLE_LENGTH (IPFIX only) */
  length: number;
}

export interface Template {
  id: number;
  options: boolean;
  fields: FieldSpec[];
  /** shortest record: variable-length fields count their one length byte */
  minLength: number;
  variable: boolean;
  /** why records of this template cannot be read, or null */
  problem: string | null;
  /** the wire bytes of the template record, to tell a refresh from a change */
  signature: string;
}

export interface TemplateSetResult {
  templates: Template[];
  /** IPFIX withdrawals: template ids, or 'all' for the set's kind (id 2 or 3 with no fields) */
  withdrawn: (number | 'all')[];
  /** what made the rest of the set unreadable, or null */
  error: string | null;
}

function makeTemplate(
  buf: Buffer,
  recordStart: number,
  recordEnd: number,
  id: number,
  options: boolean,
  fields: FieldSpec[],
  ipfix: boolean,
): Template {
  let minLength = 0;
  let variable = false;
  let problem: string | null = null;
  for (const f of fields) {
    if (ipfix && f.length === VARIABLE_LENGTH) {
      variable = true;
      minLength += 1;
    } else minLength += f.length;
    // IANA elements and their RFC 5103 reverse twins are read; other enterprises' are skipped
    if (problem || f.id < 0 || (f.pen !== 0 && f.pen !== REVERSE_PEN)) continue;
    const ok = allowedLengths(f.id);
    if (ok && !ok.includes(f.length))
      problem =
        ipfix && f.length === VARIABLE_LENGTH
          ? `${elementName(f.id, f.pen)} is sent with variable length`
          : `${elementName(f.id, f.pen)} is ${f.length} bytes long (expected ${ok.join(' or ')})`;
  }
  if (!problem && minLength === 0) problem = 'its records have no bytes';
  return {
    id,
    options,
    fields,
    minLength,
    variable,
    problem,
    signature: hex(buf, recordStart, recordEnd),
  };
}

/** NetFlow v9 template flowset (id 0): records of template id, field count, (type, length) pairs. */
export function parseV9Templates(buf: Buffer, start: number, end: number): TemplateSetResult {
  const out: TemplateSetResult = { templates: [], withdrawn: [], error: null };
  let p = start;
  while (end - p >= 4) {
    const id = buf.readUInt16BE(p);
    const count = buf.readUInt16BE(p + 2);
    if (id === 0 && count === 0) break; // padding
    if (id < 256)
      return {
        ...out,
        error: `template id ${id} at byte ${p} is reserved (templates start at 256)`,
      };
    if (count === 0) return { ...out, error: `template ${id} at byte ${p} has no fields` };
    const recEnd = p + 4 + count * 4;
    if (recEnd > end)
      return {
        ...out,
        error: `template ${id} at byte ${p} lists ${count} fields (${count * 4} bytes) but its flowset ends ${end - p - 4} bytes later`,
      };
    const fields: FieldSpec[] = [];
    for (let q = p + 4; q < recEnd; q += 4)
      fields.push({ id: buf.readUInt16BE(q), pen: 0, length: buf.readUInt16BE(q + 2) });
    // v9 has no variable-length fields: 65535 is a literal length there
    out.templates.push(makeTemplate(buf, p, recEnd, id, false, fields, false));
    p = recEnd;
  }
  return out;
}

/**
 * NetFlow v9 options template flowset (id 1): template id, scope length and option length in
 * bytes, then the scope fields (scope types: system, interface, ..., not elements) and the
 * option fields.
 */
export function parseV9OptionsTemplates(
  buf: Buffer,
  start: number,
  end: number,
): TemplateSetResult {
  const out: TemplateSetResult = { templates: [], withdrawn: [], error: null };
  let p = start;
  while (end - p >= 6) {
    const id = buf.readUInt16BE(p);
    const scopeLen = buf.readUInt16BE(p + 2);
    const optLen = buf.readUInt16BE(p + 4);
    if (id === 0 && scopeLen === 0 && optLen === 0) break; // padding
    if (id < 256)
      return {
        ...out,
        error: `options template id ${id} at byte ${p} is reserved (templates start at 256)`,
      };
    if (scopeLen % 4 !== 0 || optLen % 4 !== 0 || scopeLen + optLen === 0)
      return {
        ...out,
        error: `options template ${id} at byte ${p}: scope length ${scopeLen} and option length ${optLen} are not whole fields`,
      };
    const recEnd = p + 6 + scopeLen + optLen;
    if (recEnd > end)
      return {
        ...out,
        error: `options template ${id} at byte ${p} needs ${6 + scopeLen + optLen} bytes but its flowset ends ${end - p} bytes later`,
      };
    const fields: FieldSpec[] = [];
    for (let q = p + 6; q < recEnd; q += 4) {
      const scope = q < p + 6 + scopeLen;
      fields.push({
        id: scope ? -1 : buf.readUInt16BE(q),
        pen: 0,
        length: buf.readUInt16BE(q + 2),
      });
    }
    out.templates.push(makeTemplate(buf, p, recEnd, id, true, fields, false));
    p = recEnd;
  }
  return out;
}

/** Reads IPFIX field specifiers (with the enterprise bit and number) from p; null when they overrun. */
function ipfixFields(
  buf: Buffer,
  p: number,
  end: number,
  count: number,
): { fields: FieldSpec[]; next: number } | null {
  const fields: FieldSpec[] = [];
  for (let i = 0; i < count; i++) {
    if (end - p < 4) return null;
    const raw = buf.readUInt16BE(p);
    const length = buf.readUInt16BE(p + 2);
    p += 4;
    let pen = 0;
    if (raw & 0x8000) {
      if (end - p < 4) return null;
      pen = buf.readUInt32BE(p);
      p += 4;
    }
    fields.push({ id: raw & 0x7fff, pen, length });
  }
  return { fields, next: p };
}

/**
 * IPFIX template set (id 2) or options template set (id 3). A record with field count 0 is a
 * withdrawal (RFC 7011 section 8.1); template id 2 (or 3) withdrawn means all of that kind.
 */
export function parseIpfixTemplates(
  buf: Buffer,
  start: number,
  end: number,
  options: boolean,
): TemplateSetResult {
  const out: TemplateSetResult = { templates: [], withdrawn: [], error: null };
  const kind = options ? 'options template' : 'template';
  let p = start;
  while (end - p >= 4) {
    const id = buf.readUInt16BE(p);
    const count = buf.readUInt16BE(p + 2);
    if (count === 0) {
      if (id === 0) break; // padding
      if (id === (options ? 3 : 2)) out.withdrawn.push('all');
      else if (id >= 256) out.withdrawn.push(id);
      else return { ...out, error: `${kind} withdrawal of reserved id ${id} at byte ${p}` };
      p += 4;
      continue;
    }
    if (id < 256)
      return {
        ...out,
        error: `${kind} id ${id} at byte ${p} is reserved (templates start at 256)`,
      };
    let q = p + 4;
    let scopeCount = 0;
    if (options) {
      if (end - q < 2)
        return { ...out, error: `options template ${id} at byte ${p} ends before its scope count` };
      scopeCount = buf.readUInt16BE(q);
      q += 2;
      if (scopeCount === 0 || scopeCount > count)
        return {
          ...out,
          error: `options template ${id} at byte ${p}: scope field count ${scopeCount} of ${count} fields`,
        };
    }
    const read = ipfixFields(buf, q, end, count);
    if (!read)
      return {
        ...out,
        error: `${kind} ${id} at byte ${p} lists ${count} fields that run past the end of its set`,
      };
    out.templates.push(makeTemplate(buf, p, read.next, id, options, read.fields, true));
    p = read.next;
  }
  return out;
}
