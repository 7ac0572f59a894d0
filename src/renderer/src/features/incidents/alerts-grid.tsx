// The selected incident's alerts. Selecting one drills to exactly its evidence flows (the flows
// grid shows a chip "alert #N"; Esc or the incident's chip goes back to the whole incident).
import type { ColDef, GridApi, RowSelectionOptions } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Alert, Feature } from '../../../../shared/model';
import { ColumnChooser } from '../../components/column-chooser';
import { gridColDefaults, useGridTheme } from '../../components/grid-theme';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { fmtScore, fmtTs } from '../../util/format';
import { featureText } from '../detail/features';
import { afterFlowsRows } from '../workspace/flows-first';
import { useWorkspace } from '../workspace/selection';

const NO_ALERTS: Alert[] = [];
const ROW_SELECTION: RowSelectionOptions = {
  mode: 'singleRow',
  checkboxes: false,
  enableClickSelection: true,
};
const HIDDEN_BY_DEFAULT = ['window_start', 'src_ip', 'dst_ip'];

export function AlertsGrid({
  loading,
  error,
  reload,
}: {
  loading: boolean;
  error: string | null;
  reload(): void;
}) {
  const w = useWorkspace();
  const theme = useGridTheme();
  const gridApi = useRef<GridApi<Alert> | null>(null);
  const incident = w.selection.incident;
  const selectedId = w.selection.alert?.id ?? null;
  // drawn once the flows grid has its first rows (see flows-first.ts)
  const [rows, setRows] = useState<Alert[]>(NO_ALERTS);
  useEffect(() => {
    let live = true;
    void afterFlowsRows().then(() => live && setRows(w.alerts));
    return () => {
      live = false;
    };
  }, [w.alerts]);
  const hidden = w.hiddenColumns('alerts', HIDDEN_BY_DEFAULT);
  const all = useMemo<(ColDef<Alert> & { colId: string })[]>(
    () => [
      { colId: 'id', field: 'id', headerName: '#', width: 54, type: 'rightAligned' },
      { colId: 'detector', field: 'detector', headerName: 'Detector', width: 94 },
      {
        colId: 'score',
        field: 'score',
        headerName: 'Score',
        width: 66,
        sort: 'desc',
        valueFormatter: (p) => fmtScore(p.value),
      },
      {
        colId: 'window_start',
        field: 'window_start',
        headerName: 'Window',
        width: 140,
        valueFormatter: (p) => fmtTs(p.value, false),
      },
      { colId: 'src_ip', field: 'src_ip', headerName: 'Src', width: 108 },
      { colId: 'dst_ip', field: 'dst_ip', headerName: 'Dst', width: 108 },
      {
        colId: 'features',
        field: 'features',
        headerName: 'Features vs thresholds',
        flex: 1,
        minWidth: 120,
        tooltipValueGetter: (p) =>
          (p.data?.features ?? [])
            .map((f) => `${featureText(f)}${f.note ? ` (${f.note})` : ''}`)
            .join('\n'),
        valueFormatter: (p) => ((p.value as Feature[]) ?? []).map(featureText).join(' · '),
      },
      {
        colId: 'flow_count',
        field: 'flow_count',
        headerName: 'Flows',
        width: 64,
        type: 'rightAligned',
      },
    ],
    [],
  );
  const columns = useMemo(
    () => all.map((c) => ({ ...c, hide: hidden.includes(c.colId) })),
    [all, hidden.join()],
  );

  useEffect(() => {
    const g = gridApi.current;
    if (!g) return;
    g.forEachNode((n) => n.setSelected(n.data?.id === selectedId));
    if (selectedId != null) {
      const node = g.getRowNode(String(selectedId));
      if (node?.rowIndex != null) g.ensureIndexVisible(node.rowIndex);
    }
  }, [selectedId, rows]);

  // The grid stays mounted and only its rows change: creating an ag-grid on every selection cost
  // more main-thread time than anything else the selection does, and held up the flows rows.
  let state;
  if (!incident) state = <Empty>Select an incident to see its alerts.</Empty>;
  else if (error) state = <ErrorBox error={error} retry={reload} />;
  else if (loading || rows !== w.alerts) state = <Loading what="alerts" />;
  else if (!rows.length) state = <Empty>This incident has no alerts.</Empty>;
  return (
    <section className="pane alerts-pane" aria-label="Alerts">
      <header className="pane-head">
        <h2>Alerts</h2>
        <span className="count">{incident && !loading ? w.alerts.length : ''}</span>
        {incident && <span className="muted">↑/↓ to drill into one</span>}
        <ColumnChooser
          grid="alerts"
          columns={all.map((c) => ({ id: c.colId, label: c.headerName ?? c.colId }))}
          hidden={hidden}
          onChange={(h) => w.setHiddenColumns('alerts', h)}
        />
      </header>
      <div className="grid-host">
        {state && <div className="grid-overlay">{state}</div>}
        <AgGridReact<Alert>
          theme={theme}
          rowData={rows}
          columnDefs={columns}
          getRowId={(p) => String(p.data.id)}
          defaultColDef={gridColDefaults}
          rowSelection={ROW_SELECTION}
          tooltipShowDelay={300}
          onGridReady={(e) => {
            gridApi.current = e.api;
          }}
          onRowClicked={(e) => e.data && e.data.id !== selectedId && w.selectAlert(e.data)}
          // arrow keys inside the grid move the focused row: follow it
          onCellFocused={(e) => {
            if (e.rowIndex == null || e.rowPinned) return;
            const a = gridApi.current?.getDisplayedRowAtIndex(e.rowIndex)?.data;
            if (a && a.id !== selectedId && document.activeElement?.closest('.alerts-pane'))
              w.selectAlert(a);
          }}
        />
      </div>
    </section>
  );
}
