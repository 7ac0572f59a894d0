// A small, strict argument parser: unknown flags are usage errors (exit 2), never ignored.
// Messages carry no "netsift <command>:" prefix: main.ts adds it once.
import { nearest, NetsiftError } from '../engine/index';

export interface FlagSpec {
  type: 'string' | 'boolean' | 'number' | 'string[]';
  description: string;
  default?: string | boolean | number;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | number | string[] | undefined>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) flags[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (!s) {
      const near = nearest(name, Object.keys(spec), { prefixes: true });
      throw new NetsiftError(
        `unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`,
        'usage',
      );
    }
    if (s.type === 'boolean') {
      flags[name] = eq > 0 ? a.slice(eq + 1) !== 'false' : true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new NetsiftError(`--${name} needs a value`, 'usage');
    if (s.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n))
        throw new NetsiftError(`--${name} must be a number, got "${value}"`, 'usage');
      flags[name] = n;
    } else if (s.type === 'string[]') {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), value];
    } else flags[name] = value;
  }
  return { positional, flags };
}

export function usageText(name: string, synopsis: string, spec: Record<string, FlagSpec>): string {
  const lines = [`usage: netsift ${name} ${synopsis}`];
  for (const [k, s] of Object.entries(spec)) {
    const v = s.type === 'boolean' ? '' : ` <${s.type === 'number' ? 'n' : 'value'}>`;
    lines.push(
      `  --${k}${v}`.padEnd(28) +
        s.description +
        (s.default !== undefined ? ` (default ${s.default})` : ''),
    );
  }
  return lines.join('\n');
}
