// The contract is typed; the wire is not. Every call from a door (loopback HTTP, Electron IPC)
// passes here before a service sees it: a value of the wrong shape (a number where the filter
// text goes, an object for an address, a page offset of "10") is refused with a usage error that
// names the method and the field, instead of reaching SQL building code as a TypeError (which
// the door had to guess was the caller's fault, and logged with a stack). Shapes are checked as
// deep as the engine reads values without checking them itself; fields not named are left to the
// service (it validates its own domain values, e.g. the filter grammar, CIDRs, feed URLs).
import { NetsiftError } from '../core/errors';

export type Shape =
  | 'string'
  | 'number'
  | 'int'
  | 'boolean'
  | 'any'
  | { optional: Shape }
  | { nullable: Shape }
  | { list: Shape }
  | { fields: Record<string, Shape> }
  | { oneOf: readonly (string | number)[] };

export const opt = (s: Shape): Shape => ({ optional: s });
export const nul = (s: Shape): Shape => ({ nullable: s });
export const list = (s: Shape): Shape => ({ list: s });
export const obj = (fields: Record<string, Shape>): Shape => ({ fields });
export const oneOf = (...values: (string | number)[]): Shape => ({ oneOf: values });

/** Throws a usage error naming `method` and the path of the first value that does not fit. */
export function checkCallArgs(method: string, args: unknown[], shapes: readonly Shape[]): void {
  if (args.length > shapes.length)
    throw usage(method, `takes ${shapes.length} argument${shapes.length === 1 ? '' : 's'}`);
  shapes.forEach((shape, i) => {
    const problem = mismatch(args[i], shape, shapes.length === 1 ? '' : `argument ${i + 1}`);
    if (problem) throw usage(method, problem);
  });
}

function usage(method: string, what: string): NetsiftError {
  return new NetsiftError(`invalid arguments for ${method}: ${what}`, 'usage');
}

/** What is wrong with `v` at `path`, or null when it fits. */
function mismatch(v: unknown, shape: Shape, path: string): string | null {
  const at = path || 'the argument';
  if (typeof shape === 'string') {
    switch (shape) {
      case 'any':
        return null;
      case 'string':
        return typeof v === 'string' ? null : `${at} must be text`;
      case 'number':
        return typeof v === 'number' && Number.isFinite(v) ? null : `${at} must be a number`;
      case 'int':
        return Number.isSafeInteger(v) ? null : `${at} must be a whole number`;
      case 'boolean':
        return typeof v === 'boolean' ? null : `${at} must be true or false`;
    }
  }
  // absent: undefined over IPC, null or left out over JSON
  if ('optional' in shape) return v == null ? null : mismatch(v, shape.optional, path);
  if ('nullable' in shape) return v === null ? null : mismatch(v, shape.nullable, path);
  if ('oneOf' in shape)
    return shape.oneOf.includes(v as string | number)
      ? null
      : `${at} must be one of ${shape.oneOf.join(', ')}`;
  if ('list' in shape) {
    if (!Array.isArray(v)) return `${at} must be a list`;
    for (let i = 0; i < v.length; i++) {
      const p = mismatch(v[i], shape.list, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${at} must be an object`;
  for (const [name, field] of Object.entries(shape.fields)) {
    const p = mismatch(
      (v as Record<string, unknown>)[name],
      field,
      path ? `${path}.${name}` : name,
    );
    if (p) return p;
  }
  return null;
}
