// defineDetector: a detector's parameters typed from their specs, so run() reads ctx.params.minConns
// as a number without a cast. The runner (and tests' runDetector) resolve the parameters with
// resolveParams (params.ts), which checks every value against its spec, so what run() receives
// has the types the specs name.
import type { AlertDraft, DetectContext, Detector, ParamSpec, ParamSpecs } from './types';

/** The value type a parameter spec names. */
export type ParamValueOf<S extends ParamSpec> = S['type'] extends 'number'
  ? number
  : S['type'] extends 'boolean'
    ? boolean
    : S['type'] extends 'string'
      ? string
      : S['type'] extends 'number[]'
        ? number[]
        : string[];

/** The parameters a set of specs describes, by name. */
export type ParamsOf<S extends ParamSpecs> = { [K in keyof S]: ParamValueOf<S[K]> };

/** A Detector whose run() gets its parameters typed (every other field is Detector's own). */
export type DetectorDefinition<S extends ParamSpecs> = Omit<Detector, 'params' | 'run'> & {
  params: S;
  run(ctx: DetectContext<ParamsOf<S>>): Promise<AlertDraft[]>;
};

export function defineDetector<S extends ParamSpecs>(def: DetectorDefinition<S>): Detector {
  return def as unknown as Detector;
}
