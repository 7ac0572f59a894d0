// netsift eval: scores an analyze report against labelled truth (see src/engine/eval).
import fs from 'node:fs';
import type { AnalysisReport } from '../../shared/report';
import {
  evaluate,
  flowsFileFor,
  formatEval,
  NetsiftError,
  readBenignFile,
  readCaseLabels,
  readFlowLabels,
  readIncidentsFile,
  type Truth,
} from '../../engine/index';
import type { Command } from '../command';
import { openCaseToRead } from '../open-case';

function readReport(file: string): Pick<AnalysisReport, 'incidents'> {
  if (!fs.existsSync(file)) throw new NetsiftError(`${file}: no such report file`, 'input');
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new NetsiftError(`${file}: not JSON: ${(e as Error).message}`, 'input');
  }
  const incidents = (data as { incidents?: unknown }).incidents;
  if (!Array.isArray(incidents)) throw new NetsiftError(`${file}: no "incidents" list (expected the JSON of netsift analyze --out)`, 'input');
  incidents.forEach((r: Record<string, unknown>, i) => {
    for (const k of ['type', 'first_seen', 'last_seen'])
      if (typeof r?.[k] !== 'string') throw new NetsiftError(`${file}: incidents[${i}]: field ${k} missing`, 'input');
    if (!Array.isArray(r.victims)) r.victims = [];
    if (!Array.isArray(r.ips)) r.ips = [];
    if (typeof r.score !== 'number') r.score = 1;
    if (typeof r.id !== 'number') r.id = i + 1;
  });
  return { incidents: incidents as AnalysisReport['incidents'] };
}

export const evalCommand: Command = {
  name: 'eval',
  synopsis: 'REPORT.json --labels FILE.incidents.csv [--benign FILE.benign.csv] [--flow-labels FILE.labels.csv | --label-column --case CASE.duckdb] [--json]',
  summary: 'score a report against labelled attacks: found/missed per type, host precision and recall',
  flags: {
    labels: { type: 'string', description: 'true incidents (id,type,attacker,victims,start,end), e.g. from netsift generate' },
    benign: { type: 'string', description: 'benign look-alikes (role,ip); default: the .benign.csv next to --labels' },
    'flow-labels': { type: 'string', description: 'per-flow labels (line,label) of a flow file in the seed format' },
    flows: { type: 'string', description: 'the flow file --flow-labels labels (default: next to it)' },
    'label-column': { type: 'boolean', description: 'take per-flow labels from the label column of --case' },
    case: { type: 'string', description: 'case file for --label-column' },
    slack: { type: 'number', description: 'seconds of slack when matching incident spans', default: 120 },
    'min-score': { type: 'number', description: 'ignore reported incidents scoring below this', default: 0 },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ positional, flags }, io) {
    if (positional.length !== 1) throw new NetsiftError('give exactly one REPORT.json', 'usage');
    const labels = flags.labels as string | undefined;
    const flowLabels = flags['flow-labels'] as string | undefined;
    const labelColumn = flags['label-column'] === true;
    if (!labels && !flowLabels && !labelColumn)
      throw new NetsiftError('give --labels FILE.incidents.csv, --flow-labels FILE.labels.csv or --label-column --case CASE', 'usage');
    if (flowLabels && labelColumn) throw new NetsiftError('give --flow-labels or --label-column, not both', 'usage');
    if (labelColumn && !flags.case) throw new NetsiftError('--label-column needs --case CASE.duckdb', 'usage');
    const slack = flags.slack as number;
    if (slack < 0) throw new NetsiftError('--slack must be >= 0', 'usage');

    const report = readReport(positional[0]);
    const truth: Truth = { mode: flowLabels || labelColumn ? 'flow-labels' : 'incidents', incidents: [], benign: [] };
    if (labels) truth.incidents = readIncidentsFile(labels);
    let benign = flags.benign as string | undefined;
    if (!benign && labels) {
      const guess = labels.replace(/\.incidents\.csv$/, '.benign.csv');
      if (guess !== labels && fs.existsSync(guess)) benign = guess;
    }
    if (benign) truth.benign = readBenignFile(benign);
    if (flowLabels) {
      const flowsFile = (flags.flows as string | undefined) ?? flowsFileFor(flowLabels);
      if (!flowsFile) throw new NetsiftError(`${flowLabels}: cannot find the flow file it labels; give --flows FILE.csv`, 'usage');
      Object.assign(truth, await readFlowLabels(flowLabels, flowsFile));
    } else if (labelColumn) {
      const store = await openCaseToRead(flags.case);
      try {
        Object.assign(truth, await readCaseLabels(store));
      } finally {
        store.close();
      }
    }
    const result = evaluate(report, truth, { slackSeconds: slack, minScore: flags['min-score'] as number });
    io.out(flags.json ? JSON.stringify(result, null, 2) : formatEval(result));
    return 0;
  },
};
