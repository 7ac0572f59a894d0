// Incidents, highest score first, with their triage status and tags; the status filter above.
// Selecting one drives every other pane.
import type { ColDef, GridApi, RowSelectionOptions } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Incident } from '../../../../shared/model';
import type { TriageStatus } from '../../../../shared/triage';
import { ColumnChooser } from '../../components/column-chooser';
import { gridColDefaults, useGridTheme } from '../../components/grid-theme';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import type { AsyncState } from '../../components/use-async';
import { fmtScore, fmtSpan, fmtTs } from '../../util/format';
import { asText, countryName } from '../context/geo-text';
import { cellMenu, useWorkspace } from '../workspace/selection';
import { STATUS_LABEL, StatusFilter } from './status-filter';
import { whenPainted } from '../../components/when-painted';

/** An incident with its triage, as the list shows it. */
export interface IncidentRow extends Incident {
  status: TriageStatus;
  tags: string[];
  /** The attacker's country and AS (address context; null where unknown). */
  attacker_country?: string | null;
  attacker_asn?: number | null;
  attacker_as_org?: string | null;
}

/** onShown comes at most this long after the grid had its first data (see whenPainted). */
const SHOWN_MAX_MS = 400;

// module-level: a new object per render would make ag-grid re-apply the selection options
const ROW_SELECTION: RowSelectionOptions = {
  mode: 'singleRow',
  checkboxes: false,
  enableClickSelection: true,
};
// severity shows as the colour of the score; tags show by themselves once an incident has some
const HIDDEN_BY_DEFAULT = [
  'severity',
  'tags',
  'span',
  'first_seen',
  'alert_count',
  'flow_count',
  'attacker_asn',
];

interface Props {
  incidents: AsyncState<Incident[]>;
  /** The incidents the status filter lets through, with their triage. */
  rows: IncidentRow[];
  counts: Record<TriageStatus, number>;
  statuses: TriageStatus[];
  onStatuses(s: TriageStatus[]): void;
  /** The grid's row order (sorting is the analyst's), for j/k. */
  onOrder(ids: number[]): void;
  /** The first rows are drawn. */
  onShown?(): void;
}

export function IncidentsGrid({
  incidents,
  rows,
  counts,
  statuses,
  onStatuses,
  onOrder,
  onShown,
}: Props) {
  const w = useWorkspace();
  const theme = useGridTheme();
  const gridApi = useRef<GridApi<IncidentRow> | null>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  // bumped when the grid has (new) rows, so a selection restored before the grid was ready shows
  const [rowsTick, setRowsTick] = useState(0);
  const selectedId = w.selection.incident?.id ?? null;
  const tagged = rows.some((r) => r.tags.length > 0);
  const hidden = w.hiddenColumns(
    'incidents',
    tagged ? HIDDEN_BY_DEFAULT.filter((c) => c !== 'tags') : HIDDEN_BY_DEFAULT,
  );
  const all = useMemo<(ColDef<IncidentRow> & { colId: string })[]>(
    () => [
      {
        colId: 'severity',
        field: 'severity',
        headerName: 'Sev',
        width: 64,
        cellRenderer: (p: { value: string }) => (
          <span className={`sev sev-${p.value}`}>{p.value}</span>
        ),
      },
      {
        colId: 'score',
        field: 'score',
        headerName: 'Score',
        width: 68,
        sort: 'desc',
        tooltipValueGetter: (p) => p.data?.severity,
        cellRenderer: (p: { value: number; data?: IncidentRow }) => (
          <span className={`sev sev-${p.data?.severity ?? 'info'}`}>{fmtScore(p.value)}</span>
        ),
      },
      { colId: 'type', field: 'type', headerName: 'Type', flex: 3, minWidth: 110 },
      { colId: 'attacker', field: 'attacker', headerName: 'Attacker', flex: 3, minWidth: 112 },
      {
        colId: 'attacker_country',
        field: 'attacker_country',
        headerName: 'CC',
        headerTooltip: "Attacker's country (offline GeoIP)",
        width: 48,
        tooltipValueGetter: (p) => countryName(p.value as string | null),
      },
      {
        colId: 'attacker_asn',
        field: 'attacker_asn',
        headerName: 'AS',
        headerTooltip: "Attacker's autonomous system",
        flex: 2,
        minWidth: 70,
        valueFormatter: (p) => asText(p.value as number | null, p.data?.attacker_as_org),
        tooltipValueGetter: (p) => asText(p.value as number | null, p.data?.attacker_as_org),
      },
      {
        colId: 'victims',
        field: 'victims',
        headerName: 'Victims',
        width: 58,
        type: 'rightAligned',
        tooltipValueGetter: (p) => ((p.value as string[]) ?? []).slice(0, 20).join('\n'),
        valueFormatter: (p) => String(((p.value as string[]) ?? []).length),
        comparator: (a: string[], b: string[]) => (a?.length ?? 0) - (b?.length ?? 0),
      },
      {
        colId: 'status',
        field: 'status',
        headerName: 'Status',
        width: 86,
        cellRenderer: (p: { value: TriageStatus }) => (
          <span className={`status status-${p.value}`}>{STATUS_LABEL[p.value] ?? p.value}</span>
        ),
      },
      {
        colId: 'tags',
        field: 'tags',
        headerName: 'Tags',
        flex: 2,
        minWidth: 56,
        valueFormatter: (p) => ((p.value as string[]) ?? []).join(', '),
      },
      {
        colId: 'span',
        headerName: 'Span',
        width: 80,
        valueGetter: (p) => (p.data ? fmtSpan(p.data.first_seen, p.data.last_seen) : ''),
      },
      {
        colId: 'first_seen',
        field: 'first_seen',
        headerName: 'First seen',
        width: 150,
        valueFormatter: (p) => fmtTs(p.value, false),
      },
      {
        colId: 'alert_count',
        field: 'alert_count',
        headerName: 'Alerts',
        width: 64,
        type: 'rightAligned',
      },
      {
        colId: 'flow_count',
        field: 'flow_count',
        headerName: 'Flows',
        width: 70,
        type: 'rightAligned',
      },
    ],
    [],
  );
  const columns = useMemo(
    () => all.map((c) => ({ ...c, hide: hidden.includes(c.colId) })),
    [all, hidden.join()],
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
  }, [selectedId, rows, rowsTick]);

  const reportOrder = () => {
    const g = gridApi.current;
    if (!g) return;
    const ids: number[] = [];
    g.forEachNodeAfterFilterAndSort((n) => n.data && ids.push(n.data.id));
    onOrder(ids);
  };

  let body;
  if (incidents.loading && !incidents.value) body = <Loading what="incidents" />;
  else if (incidents.error) body = <ErrorBox error={incidents.error} retry={incidents.reload} />;
  else if (!incidents.value?.length)
    body = (
      <Empty>No incidents: detection found nothing to report in this case (or has not run).</Empty>
    );
  else if (!rows.length)
    body = <Empty>No incident has the statuses shown; choose more above.</Empty>;
  return (
    <section className="pane incidents-pane" aria-label="Incidents">
      <header className="pane-head">
        <h2>Incidents</h2>
        <span className="count" data-testid="incidents-count">
          {incidents.value ? rows.length : ''}
        </span>
        <span className="muted">j/k · ↑/↓ alerts · Esc</span>
        <ColumnChooser
          grid="incidents"
          columns={all.map((c) => ({ id: c.colId, label: c.headerName ?? c.colId }))}
          hidden={hidden}
          onChange={(h) => w.setHiddenColumns('incidents', h)}
        />
      </header>
      {incidents.value && incidents.value.length > 0 && (
        <StatusFilter counts={counts} shown={statuses} onChange={onStatuses} />
      )}
      <div className="grid-host" ref={hostRef}>
        {body && <div className="grid-overlay">{body}</div>}
        <AgGridReact<IncidentRow>
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
          onFirstDataRendered={() => {
            setRowsTick((t) => t + 1);
            const host = hostRef.current;
            if (host && onShown) void whenPainted(host, '.ag-row', SHOWN_MAX_MS).then(onShown);
            else onShown?.();
          }}
          onRowDataUpdated={() => {
            setRowsTick((t) => t + 1);
            reportOrder();
          }}
          onSortChanged={reportOrder}
          onRowClicked={(e) => e.data && w.selectIncident(e.data)}
          onCellContextMenu={(e) => {
            const ev = e.event as MouseEvent | null;
            if (!ev) return;
            ev.preventDefault();
            const col = e.column.getColId();
            const as = { attacker_country: 'country', attacker_asn: 'asn' }[col] ?? col;
            w.openMenu(ev.clientX, ev.clientY, cellMenu(w, as, e.value));
          }}
          preventDefaultOnContextMenu
        />
      </div>
    </section>
  );
}
