// What `netsift follow DIR|FILE` prints: a line per batch, the progress line with the lag, and
// the summary when it stops (imports, files, lag, retention, detection, why it stopped). The
// listener's own lines are in follow-report.ts.
import type { FollowBatch, FollowStatus } from '../../shared/follow';
import type { ImportRecord } from '../../shared/model';

const n = (x: number) => x.toLocaleString('en-US');
const t = (iso: string) => iso.replace('T', ' ').replace(/(\.000)?Z$/, '');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

export function batchLine(i: number, b: FollowBatch): string {
  const span = b.fromTs ? `, data ${t(b.fromTs)} to ${t(b.toTs!)} UTC` : '';
  return `batch ${i}: ${b.source}: +${n(b.flows)} flows, ${n(b.rejects)} rejected (import ${b.importId})${span}`;
}

function lagText(s: FollowStatus): string {
  const newest = s.lag.newestFlow ? `; newest flow ${t(s.lag.newestFlow)} UTC` : '';
  return `${s.lag.text}${newest}`;
}

export function followProgress(s: FollowStatus): string {
  const f = s.files;
  const files = f
    ? `${plural(f.imported, 'file')} imported` +
      (f.empty ? `, ${n(f.empty)} empty` : '') +
      (f.failed.length ? `, ${n(f.failed.length)} failed` : '') +
      (f.inProgress ? `, ${n(f.inProgress)} still being written` : '') +
      ', '
    : '';
  const detect = s.detection?.running ? '; detecting' : '';
  return `${s.source}: ${files}${n(s.flows)} flows, ${n(s.rejects)} rejected, ${plural(s.batches, 'batch', 'batches')}; ${lagText(s)}${detect}`;
}

export function followSummary(
  s: FollowStatus,
  imports: ImportRecord[],
  seconds: number,
  listener: boolean,
): string[] {
  const lines: string[] = [];
  if (!listener) {
    const first = imports
      .map((i) => i.first_ts)
      .filter((x): x is string => !!x)
      .sort()[0];
    const last = imports
      .map((i) => i.last_ts)
      .filter((x): x is string => !!x)
      .sort()
      .pop();
    const span = first ? `, ${t(first)} to ${t(last!)} UTC` : '';
    lines.push(
      `${s.source} -> ${plural(imports.length, 'import')}: ${n(s.flows)} flows, ${n(s.rejects)} rejected${span}, ` +
        `${plural(s.batches, 'batch', 'batches')}, ${seconds.toFixed(1)} s`,
    );
    for (const i of imports)
      lines.push(
        `  import ${i.id}: ${i.path} (${i.format}): flows + rejected = data lines: ${n(i.rows_read)} + ${n(i.rows_rejected)} = ${n(i.data_lines)}`,
      );
    const f = s.files;
    if (f) {
      const parts = [`${n(f.imported)} imported`];
      if (f.empty) parts.push(`${n(f.empty)} with no flows`);
      if (f.failed.length) parts.push(`${n(f.failed.length)} failed`);
      if (f.alreadyImported) parts.push(`${n(f.alreadyImported)} already in the case`);
      if (f.leftAtStart) parts.push(`${n(f.leftAtStart)} left (there at start, --new-only)`);
      if (f.inProgress) parts.push(`${n(f.inProgress)} still being written`);
      if (f.lost) parts.push(`${n(f.lost)} LOST (removed before their turn)`);
      lines.push(`  files: ${parts.join(', ')}`);
      for (const x of f.failed.slice(0, 10)) lines.push(`  not imported: ${x.error}`);
    }
    const g = s.file;
    if (g) {
      for (const c of g.closedImports)
        lines.push(`  import ${c.importId} closed: the file was ${c.endedBy}`);
      if (g.partialBytes)
        lines.push(
          `  an unfinished last line (${plural(g.partialBytes, 'byte')}) waits for its newline; following ${g.path} again resumes at line ${n(g.lines + 1)}`,
        );
    }
  }
  lines.push(`  lag at stop: ${lagText(s)}`);
  const r = s.retention;
  if (r)
    lines.push(
      r.drops
        ? `  retention: ${n(r.droppedFlows)} flows before ${r.cutoff} UTC dropped in ${plural(r.drops, 'drop')} ` +
            `(${n(r.archivedAlerts)} alerts and ${n(r.archivedIncidents)} incidents kept in retention_alerts/retention_incidents)`
        : '  retention: nothing dropped',
    );
  const d = s.detection;
  if (d)
    lines.push(
      d.runs
        ? `  detection: ${plural(d.runs, 'run')}; the last found ${n(d.alerts ?? 0)} alerts, ${plural(d.incidents ?? 0, 'incident')}` +
            (d.error ? ` (a later run failed: ${d.error})` : '')
        : `  detection: no run${d.error ? ` (failed: ${d.error})` : ''}`,
    );
  if (s.geo?.error) lines.push(`  country and AS not updated: ${s.geo.error}`);
  if (s.limitReached) lines.push(`  stopped at the limit: ${s.stopReason}`);
  else if (s.state === 'failed') lines.push(`  FAILED: ${s.error}`);
  return lines;
}
