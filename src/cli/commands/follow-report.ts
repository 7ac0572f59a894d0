// What `netsift follow` prints: the progress line (datagrams, flows, templates, drops) and the
// summary when it stops, with every exporter's sampling and where every record went.
import { describeSampling, type ListenerStats, type SessionStats } from '../../engine/index';
import type { ImportRecord, RejectRecord } from '../../shared/model';

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** What sequence numbers say was lost: records, or datagrams where the exporter numbers those. */
function missingText(x: { missingRecords: number; missingDatagrams: number }): string {
  const parts = [];
  if (x.missingRecords || !x.missingDatagrams) parts.push(plural(x.missingRecords, 'record'));
  if (x.missingDatagrams) parts.push(plural(x.missingDatagrams, 'datagram'));
  return parts.join(' and ');
}

/** Everything lost or refused on the way in, for the progress line and the summary. */
function losses(s: ListenerStats): string {
  const parts = [
    `${n(s.malformedDatagrams)} malformed`,
    `${n(s.kernelDrops ?? 0)} dropped by the kernel${s.kernelDrops === null ? ' (not known here)' : ''}`,
  ];
  if (s.refused) parts.push(`${n(s.refused)} refused (not an --exporter)`);
  if (s.sequenceGaps)
    parts.push(`by sequence numbers ${missingText(s)} missing (${plural(s.sequenceGaps, 'gap')})`);
  if (s.droppedFlows) parts.push(`${n(s.droppedFlows)} records dropped (case too slow)`);
  if (s.spooled) parts.push(`${n(s.spooled)} records waiting on disk`);
  return parts.join(', ');
}

export function progressLine(s: ListenerStats): string {
  return (
    `${s.listen}: ${plural(s.datagrams, 'datagram')} from ${plural(s.exporters, 'exporter')}, ` +
    `${n(s.flowsDecoded)} flows (${n(s.flowsWritten)} written, ${plural(s.batches, 'batch', 'batches')}), ` +
    `${plural(s.templates, 'template')}, ${n(s.rejectsDecoded)} rejected; drops: ${losses(s)}` +
    (s.writeError ? `; WRITE FAILING: ${s.writeError}` : '')
  );
}

function exporterLine(x: SessionStats): string[] {
  const v = x.version === 10 ? 'IPFIX' : `NetFlow v${x.version}`;
  const dom =
    x.version === 10
      ? `domain ${x.domain}`
      : x.version === 9
        ? `source id ${x.domain}`
        : `engine ${x.domain >> 8}/${x.domain & 255}`;
  const lines = [
    `  exporter ${x.exporter} ${v} ${dom}: ${plural(x.datagrams, 'datagram')}, ${n(x.flows)} flows, ${n(x.rejects)} rejected, ` +
      `${plural(x.optionsRecords, 'options record')}, ${plural(x.templates, 'template')}` +
      (x.templatesChanged ? ` (${n(x.templatesChanged)} changed)` : '') +
      (x.templatesWithdrawn ? ` (${n(x.templatesWithdrawn)} withdrawn)` : '') +
      (x.sequenceGaps
        ? `, ${plural(x.sequenceGaps, 'sequence gap')} (${missingText(x)} missing)`
        : ''),
    `    sampling: ${describeSampling(x.sampling)}`,
    ...x.samplers.map((m) => `    sampler ${m.id}: ${describeSampling(m)}`),
  ];
  const sampled = [x.sampling, ...x.samplers].some((m) => m && m.rate !== 1);
  if (sampled && x.flowsBeforeSampling)
    lines.push(
      `    ${n(x.flowsBeforeSampling)} flows arrived before the exporter announced its sampling and are stored at the counts it sent`,
    );
  if (x.flowsTimedByHeader)
    lines.push(
      `    ${n(x.flowsTimedByHeader)} flows carried no usable start time: timed by the export header`,
    );
  return lines;
}

export function summaryLines(
  record: ImportRecord | null,
  s: ListenerStats,
  sessions: SessionStats[],
  samples: RejectRecord[],
  seconds: number,
): string[] {
  if (!record)
    return [
      `${s.listen}: no NetFlow/IPFIX datagrams received in ${seconds.toFixed(1)} s; nothing was written to the case` +
        (s.refused ? ` (${n(s.refused)} datagrams refused: not from an --exporter)` : ''),
    ];
  const t = (iso: string) => iso.replace('T', ' ').replace(/(\.000)?Z$/, '');
  const span = record.first_ts ? `${t(record.first_ts)} to ${t(record.last_ts!)} UTC` : 'no flows';
  const lines = [
    `${s.listen} -> import ${record.id}: ${record.format}, ${n(record.rows_read)} flows, ${n(record.rows_rejected)} rejected, ${span}, ` +
      `${plural(s.batches, 'batch', 'batches')}, ${seconds.toFixed(1)} s`,
    `  flows + rejected = records received: ${n(record.rows_read)} + ${n(record.rows_rejected)} = ${n(record.data_lines)}`,
    `  datagrams: ${n(s.datagrams)} received (${n(s.bytes)} bytes); ${losses(s)}`,
    ...sessions.flatMap(exporterLine),
  ];
  if (s.spooledTotal)
    lines.push(
      `  ${n(s.spooledTotal)} records waited on disk while the case was behind (all written${s.queued ? ` but ${n(s.queued)}` : ''})`,
    );
  if (s.queued)
    lines.push(`  ${n(s.queued)} records received were not written (following stopped at a limit)`);
  for (const r of samples)
    lines.push(`  datagram ${r.line}: ${r.reason.replace(/^datagram \d+ /, '')}`);
  if (record.rows_rejected > samples.length)
    lines.push(
      `  ... ${n(record.rows_rejected - samples.length)} more rejects in the case (rejects table)`,
    );
  return lines;
}
