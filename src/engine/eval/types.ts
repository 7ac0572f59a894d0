// Ground truth and the scores of a report against it.

export interface TrueIncident {
  id: string;
  type: string;
  /** null when the attack has no single source (a spoofed flood): it is known by its victims. */
  attacker: string | null;
  victims: string[];
  start: string;
  end: string;
}

export interface Truth {
  /** 'incidents': an incidents file (generator); 'flow-labels': per-flow labels of a data set. */
  mode: 'incidents' | 'flow-labels';
  incidents: TrueIncident[];
  /** Flow-label mode: hosts that sent a labelled flow, with their labels. */
  maliciousHosts?: Map<string, Set<string>>;
  /** Flow-label mode: destinations of labelled flows (a report naming one is not a false positive). */
  involvedHosts?: Set<string>;
  /** Benign look-alikes (role, ip) that must not be reported. */
  benign: { role: string; ip: string }[];
}

export interface EvalOptions {
  /** Slack around a true incident's span when matching reported incidents (seconds). */
  slackSeconds?: number;
  /** Ignore reported incidents scoring below this. */
  minScore?: number;
}

export interface IncidentMatch {
  id: string;
  type: string;
  /** The host the attack is known by: its attacker, or its victim for a spoofed flood. */
  host: string;
  found: boolean;
  /** Whether a matching reported incident has the same type. */
  typeMatch: boolean;
  /** Ids of the reported incidents that matched. */
  reported: number[];
}

export interface TypeScore {
  type: string;
  total: number;
  found: number;
  missed: string[];
}

export interface HostScore {
  reported: string[];
  truePositives: string[];
  falsePositives: string[];
  falseNegatives: string[];
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalResult {
  mode: Truth['mode'];
  slackSeconds: number;
  reportedIncidents: number;
  /** Reported incidents that matched no true incident. */
  unmatchedReported: number;
  incidents: IncidentMatch[];
  perType: TypeScore[];
  hosts: HostScore;
  /** Reported incidents per found attack (1 is ideal; more means an attack was split). */
  incidentsPerAttack: number;
  benign: { role: string; ip: string; reported: boolean; incidentIds: number[] }[];
}
