// A small JSON Schema checker for the subset our report schema uses (type, enum, required,
// properties, items, minimum, maximum), so the report's schema is enforced by tests without a
// validator dependency. Returns the paths that fail, empty when the value conforms.
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
  maximum?: number;
};

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

export function checkSchema(value: unknown, schema: Schema, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.type) {
    const want = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!typeOf(value).some((t) => want.includes(t))) return [`${path}: expected ${want.join('|')}, got ${typeOf(value)[0]}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) errors.push(`${path}.${k}: missing`);
    for (const [k, sub] of Object.entries(schema.properties ?? {}))
      if (k in o) errors.push(...checkSchema(o[k], sub, `${path}.${k}`));
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...checkSchema(v, schema.items!, `${path}[${i}]`)));
  return errors;
}
