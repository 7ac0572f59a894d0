// Scoring a report against labelled data: `netsift eval` and the benchmark use this.
export { evaluate, reportedHosts } from './evaluate';
export { formatEval } from './format';
export { flowsFileFor, isMaliciousLabel, readBenignFile, readCaseLabels, readFlowLabels, readIncidentsFile } from './truth';
export type { EvalOptions, EvalResult, HostScore, IncidentMatch, TrueIncident, Truth, TypeScore } from './types';
