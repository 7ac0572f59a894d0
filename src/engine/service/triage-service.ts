// contract: triage (src/shared/contracts/triage.ts). Incident status, notes and tags with their
// audit trail, allow rules, and detection again so the rules apply (triage-ops.ts and
// src/engine/triage do the work; the CLI uses the same pieces).
import type { TriageApi } from '../../shared/contracts/triage';
import type {
  AllowRule,
  AllowRuleInput,
  AuditEntry,
  IncidentTriage,
  TriageChange,
} from '../../shared/triage';
import type { AllowRuleAdded, DetectionRerun } from '../../shared/triage-api';
import { listAllowRules } from '../triage/allow-rules';
import { allTriage, auditTrail, getTriage, updateTriage } from '../triage/triage-store';
import type { CaseSession } from './case-session';
import { rerunDetection } from './rerun-detection';
import * as triageOps from './triage-ops';

export class TriageService implements TriageApi {
  constructor(private readonly s: CaseSession) {}

  async triage(key: string): Promise<IncidentTriage> {
    return getTriage(this.s.requireStore(), key);
  }

  async triageAll(): Promise<IncidentTriage[]> {
    return [...(await allTriage(this.s.requireStore())).values()];
  }

  async updateTriage(key: string, change: TriageChange): Promise<IncidentTriage> {
    return updateTriage(this.s.requireStore(), key, change);
  }

  async auditTrail(key: string): Promise<AuditEntry[]> {
    return auditTrail(this.s.requireStore(), key);
  }

  async allowRules(): Promise<AllowRule[]> {
    return listAllowRules(this.s.requireStore());
  }

  async addAllowRule(input: AllowRuleInput): Promise<AllowRuleAdded> {
    return triageOps.addRule(this.s.requireStore(), input);
  }

  async removeAllowRule(id: number): Promise<AllowRule[]> {
    return triageOps.removeRule(this.s.requireStore(), id);
  }

  async rerunDetection(): Promise<DetectionRerun> {
    return rerunDetection(this.s);
  }
}
