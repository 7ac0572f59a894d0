// contract: incidents. The latest detection run's incidents and each one's alerts.
// Implemented by src/engine/service/incidents-service.ts.
import type { Alert, Incident } from '../model';
import { methodsOf } from './method-list';

export interface IncidentsApi {
  incidents(): Promise<Incident[]>;
  alerts(incidentId: number): Promise<Alert[]>;
}

export const INCIDENTS_METHODS = methodsOf<IncidentsApi>()(['incidents', 'alerts']);
