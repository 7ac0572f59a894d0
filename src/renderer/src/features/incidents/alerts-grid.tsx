// The selected incident's alerts, each with the features that drove it against their fences.
import type { ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import type { Alert, Feature } from '../../../../shared/model';
import { api } from '../../api/client';
import { gridTheme } from '../../components/grid-theme';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtScore, fmtTs } from '../../util/format';
import { useWorkspace } from '../workspace/selection';

function fmtNum(n: number): string {
  return Math.abs(n) >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Math.round(n * 100) / 100);
}

export function featureText(f: Feature): string {
  const cmp = f.threshold == null ? '' : ` ${f.direction === 'below' ? '<' : '>'} ${fmtNum(f.threshold)}`;
  return `${f.name} ${fmtNum(f.value)}${cmp}`;
}

export function AlertsGrid() {
  const w = useWorkspace();
  const id = w.selection.incident?.id ?? null;
  const alerts = useAsync(() => (id == null ? Promise.resolve([] as Alert[]) : api.alerts(id)), [id]);
  const columns = useMemo<ColDef<Alert>[]>(
    () => [
      { field: 'detector', headerName: 'Detector', width: 110 },
      { field: 'score', headerName: 'Score', width: 62, valueFormatter: (p) => fmtScore(p.value) },
      { field: 'window_start', headerName: 'Window', width: 140, valueFormatter: (p) => fmtTs(p.value, false) },
      { field: 'src_ip', headerName: 'Src', width: 110 },
      { field: 'dst_ip', headerName: 'Dst', width: 110 },
      {
        field: 'features',
        headerName: 'Features vs thresholds',
        flex: 1,
        minWidth: 240,
        tooltipValueGetter: (p) => (p.data?.features ?? []).map((f) => `${featureText(f)}${f.note ? ` (${f.note})` : ''}`).join('\n'),
        valueFormatter: (p) => ((p.value as Feature[]) ?? []).map(featureText).join(' · '),
      },
      { field: 'flow_count', headerName: 'Flows', width: 64, type: 'rightAligned' },
    ],
    [],
  );
  let body;
  if (id == null) body = <Empty>Select an incident to see its alerts.</Empty>;
  else if (alerts.loading && !alerts.value) body = <Loading what="alerts" />;
  else if (alerts.error) body = <ErrorBox error={alerts.error} retry={alerts.reload} />;
  else if (!alerts.value?.length) body = <Empty>This incident has no alerts.</Empty>;
  else
    body = (
      <div className="grid-host">
        <AgGridReact<Alert>
          theme={gridTheme}
          rowData={alerts.value}
          columnDefs={columns}
          defaultColDef={{ sortable: true, resizable: true }}
          tooltipShowDelay={300}
        />
      </div>
    );
  return (
    <section className="pane alerts-pane" aria-label="Alerts">
      <header className="pane-head">
        <h2>Alerts</h2>
        {w.selection.incident && <span className="muted">{w.selection.incident.summary}</span>}
      </header>
      {body}
    </section>
  );
}
