// Analyst triage of incidents and allow-list rules, stored in the case.
export const TRIAGE_STATUSES = ['new', 'investigating', 'confirmed', 'false-positive', 'closed'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

export interface IncidentTriage {
  key: string;
  status: TriageStatus;
  /** Markdown. */
  notes: string;
  tags: string[];
  updated: string | null;
}

export interface TriageChange {
  status?: TriageStatus;
  notes?: string;
  /** Appended to the notes as a new paragraph (CLI --note). */
  appendNote?: string;
  addTags?: string[];
  removeTags?: string[];
}

export interface AuditEntry {
  ts: string;
  key: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
}

export const ALLOW_RULE_KINDS = ['host', 'host-port', 'pair', 'network'] as const;
export type AllowRuleKind = (typeof ALLOW_RULE_KINDS)[number];

export interface AllowRule {
  id: number;
  kind: AllowRuleKind;
  ip: string | null;
  ip2: string | null;
  cidr: string | null;
  port: number | null;
  reason: string;
  created: string;
}

export type AllowRuleInput = Omit<AllowRule, 'id' | 'created'>;
