// Typed detector parameters: defaults merged with overrides, checked against their spec.
import { NetsiftError } from '../core/errors';
import type { ParamsOf } from './define';
import type { ParamSpecs, ParamValue } from './types';

/** The parameters' values, typed as their specs say (see defineDetector). */
export function resolveParams<S extends ParamSpecs>(
  detectorId: string,
  specs: S,
  overrides: Record<string, unknown> = {},
): ParamsOf<S> {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const [name, value] of Object.entries(overrides)) {
    const spec = specs[name];
    if (!spec)
      throw new NetsiftError(`detector ${detectorId}: unknown parameter "${name}"`, 'usage');
    const bad = (why: string) =>
      new NetsiftError(
        `detector ${detectorId}: parameter ${name} ${why} (got ${JSON.stringify(value)})`,
        'usage',
      );
    switch (spec.type) {
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('must be a number');
        if (spec.min !== undefined && value < spec.min) throw bad(`must be >= ${spec.min}`);
        if (spec.max !== undefined && value > spec.max) throw bad(`must be <= ${spec.max}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('must be true or false');
        break;
      case 'string':
        if (typeof value !== 'string') throw bad('must be text');
        if (spec.choices && !spec.choices.includes(value))
          throw bad(`must be one of ${spec.choices.join(', ')}`);
        break;
      case 'number[]':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'number'))
          throw bad('must be a list of numbers');
        break;
      case 'string[]':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
          throw bad('must be a list of text');
        if (spec.choices && value.some((v) => !spec.choices!.includes(v as string)))
          throw bad(`values must be among ${spec.choices.join(', ')}`);
        break;
    }
    out[name] = value as ParamValue;
  }
  return out as ParamsOf<S>;
}
