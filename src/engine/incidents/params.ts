// Ensemble parameters, addressable like a detector's: --param incidents.minScore=0.6
import type { ParamsOf } from '../detect/define';
import type { ParamSpecs } from '../detect/types';

export const INCIDENT_PARAMS = {
  minScore: {
    type: 'number',
    default: 0.4,
    min: 0,
    max: 1,
    description: 'incidents scoring below this are not raised (their alerts stay unassigned)',
  },
  gapMinutes: {
    type: 'number',
    default: 30,
    min: 0,
    description: 'alerts of one entity further apart than this start a new incident',
  },
} satisfies ParamSpecs;

export type IncidentParams = ParamsOf<typeof INCIDENT_PARAMS>;
