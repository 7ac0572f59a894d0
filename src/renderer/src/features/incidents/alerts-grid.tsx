// The selected incident's alerts, each with the features that drove it against their fences.
import type { ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import type { Alert, Feature } from '../../../../shared/model';
import { api } from '../../api/client';
import { gridColDefaults, gridTheme } from '../../components/grid-theme';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtScore, fmtTs } from '../../util/format';
import { afterFlowsRows } from '../workspace/flows-first';
import { useWorkspace } from '../workspace/selection';

function fmtNum(n: number): string {
  return Math.abs(n) >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Math.round(n * 100) / 100);
}

export function featureText(f: Feature): string {
  const cmp = f.threshold == null ? '' : ` ${f.direction === 'below' ? '<' : '>'} ${fmtNum(f.threshold)}`;
  return `${f.name} ${fmtNum(f.value)}${cmp}`;
}

const NO_ALERTS: Alert[] = [];

export function AlertsGrid() {
  const w = useWorkspace();
  const id = w.selection.incident?.id ?? null;
  // tagged with the incident they belong to, so the previous incident's rows never show meanwhile;
  // drawn once the flows grid has its first rows (see flows-first.ts)
  const alerts = useAsync<{ id: number | null; rows: Alert[] }>(
    () =>
      id == null
        ? Promise.resolve({ id, rows: NO_ALERTS })
        : api.alerts(id).then(async (rows) => {
            await afterFlowsRows();
            return { id, rows };
          }),
    [id],
  );
  const rows = alerts.value?.id === id ? alerts.value.rows : null;
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
  // The grid stays mounted and only its rows change: creating an ag-grid on every selection cost
  // more main-thread time than anything else the selection does, and held up the flows rows.
  let state;
  if (id == null) state = <Empty>Select an incident to see its alerts.</Empty>;
  else if (alerts.error) state = <ErrorBox error={alerts.error} retry={alerts.reload} />;
  else if (!rows) state = <Loading what="alerts" />;
  else if (!rows.length) state = <Empty>This incident has no alerts.</Empty>;
  return (
    <section className="pane alerts-pane" aria-label="Alerts">
      <header className="pane-head">
        <h2>Alerts</h2>
        {w.selection.incident && <span className="muted">{w.selection.incident.summary}</span>}
      </header>
      {state}
      <div className="grid-host" style={state ? { display: 'none' } : undefined}>
        <AgGridReact<Alert>
          theme={gridTheme}
          rowData={rows ?? NO_ALERTS}
          columnDefs={columns}
          defaultColDef={gridColDefaults}
          tooltipShowDelay={300}
        />
      </div>
    </section>
  );
}
