// contract: triage. Incident status, notes, tags and their audit trail (keyed by the incident's
// stable key), allow rules, and detection again so the rules apply.
// Implemented by src/engine/service/triage-service.ts.
import type {
  AllowRule,
  AllowRuleInput,
  AuditEntry,
  IncidentTriage,
  TriageChange,
} from '../triage';
import type { AllowRuleAdded, DetectionRerun } from '../triage-api';
import { methodsOf } from './method-list';

export interface TriageApi {
  triage(incidentKey: string): Promise<IncidentTriage>;
  /** Triage of every incident that has any (the others are 'new' without tags or notes). */
  triageAll(): Promise<IncidentTriage[]>;
  updateTriage(incidentKey: string, change: TriageChange): Promise<IncidentTriage>;
  auditTrail(incidentKey: string): Promise<AuditEntry[]>;
  allowRules(): Promise<AllowRule[]>;
  addAllowRule(input: AllowRuleInput): Promise<AllowRuleAdded>;
  removeAllowRule(id: number): Promise<AllowRule[]>;
  /** Detection again (allow rules apply), as a job others see; answers when it is done. */
  rerunDetection(): Promise<DetectionRerun>;
}

export const TRIAGE_METHODS = methodsOf<TriageApi>()([
  'triage',
  'triageAll',
  'updateTriage',
  'auditTrail',
  'allowRules',
  'addAllowRule',
  'removeAllowRule',
  'rerunDetection',
]);
