// Incidents, highest score first. Selecting one drives every other pane.
import type { ColDef, GridApi, RowSelectionOptions } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Incident } from '../../../../shared/model';
import { gridColDefaults, gridTheme } from '../../components/grid-theme';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import type { AsyncState } from '../../components/use-async';
import { fmtScore, fmtSpan, fmtTs } from '../../util/format';
import { cellMenu, useWorkspace } from '../workspace/selection';

// module-level: a new object per render would make ag-grid re-apply the selection options
const ROW_SELECTION: RowSelectionOptions = { mode: 'singleRow', checkboxes: false, enableClickSelection: true };

export function IncidentsGrid({ incidents }: { incidents: AsyncState<Incident[]> }) {
  const w = useWorkspace();
  const gridApi = useRef<GridApi<Incident> | null>(null);
  // bumped when the grid has (new) rows, so a selection restored before the grid was ready shows
  const [rowsTick, setRowsTick] = useState(0);
  const selectedId = w.selection.incident?.id ?? null;
  const columns = useMemo<ColDef<Incident>[]>(
    () => [
      {
        field: 'severity',
        headerName: 'Sev',
        width: 78,
        cellRenderer: (p: { value: string }) => <span className={`sev sev-${p.value}`}>{p.value}</span>,
      },
      { field: 'score', headerName: 'Score', width: 66, sort: 'desc', valueFormatter: (p) => fmtScore(p.value) },
      { field: 'type', headerName: 'Type', width: 120 },
      { field: 'attacker', headerName: 'Attacker', width: 120 },
      {
        field: 'victims',
        headerName: 'Victims',
        width: 120,
        valueFormatter: (p) => {
          const v = (p.value as string[]) ?? [];
          return v.length <= 1 ? (v[0] ?? '') : `${v[0]} +${v.length - 1}`;
        },
      },
      { colId: 'span', headerName: 'Span', width: 80, valueGetter: (p) => (p.data ? fmtSpan(p.data.first_seen, p.data.last_seen) : '') },
      { field: 'first_seen', headerName: 'First seen', width: 150, valueFormatter: (p) => fmtTs(p.value, false) },
      { field: 'alert_count', headerName: 'Alerts', width: 64, type: 'rightAligned' },
      { field: 'flow_count', headerName: 'Flows', width: 70, type: 'rightAligned' },
    ],
    [],
  );

  // keep the grid's highlighted row in step with the selection (keyboard moves, reopen)
  useEffect(() => {
    const g = gridApi.current;
    if (!g) return;
    g.forEachNode((n) => n.setSelected(n.data?.id === selectedId));
    if (selectedId != null) {
      const node = g.getRowNode(String(selectedId));
      if (node?.rowIndex != null) g.ensureIndexVisible(node.rowIndex);
    }
  }, [selectedId, incidents.value, rowsTick]);

  let body;
  if (incidents.loading && !incidents.value) body = <Loading what="incidents" />;
  else if (incidents.error) body = <ErrorBox error={incidents.error} retry={incidents.reload} />;
  else if (!incidents.value?.length)
    body = <Empty>No incidents: detection found nothing to report in this case (or has not run).</Empty>;
  else
    body = (
      <div className="grid-host">
        <AgGridReact<Incident>
          theme={gridTheme}
          rowData={incidents.value}
          columnDefs={columns}
          getRowId={(p) => String(p.data.id)}
          defaultColDef={gridColDefaults}
          rowSelection={ROW_SELECTION}
          onGridReady={(e) => {
            gridApi.current = e.api;
          }}
          onFirstDataRendered={() => setRowsTick((t) => t + 1)}
          onRowDataUpdated={() => setRowsTick((t) => t + 1)}
          onRowClicked={(e) => e.data && w.selectIncident(e.data)}
          onCellContextMenu={(e) => {
            const ev = e.event as MouseEvent | null;
            if (!ev) return;
            ev.preventDefault();
            const col = e.column.getColId();
            w.openMenu(ev.clientX, ev.clientY, cellMenu(w, col === 'attacker' ? 'attacker' : col, e.value));
          }}
          preventDefaultOnContextMenu
        />
      </div>
    );
  return (
    <section className="pane incidents-pane" aria-label="Incidents">
      <header className="pane-head">
        <h2>Incidents</h2>
        <span className="count">{incidents.value ? incidents.value.length : ''}</span>
        <span className="muted">j/k to move · Esc clears</span>
      </header>
      {body}
    </section>
  );
}
