// The flows grid over the whole case: ag-grid's infinite row model paging through the engine, so
// sort and filter run in DuckDB and only the visible blocks cross the wire.
import type {
  CellContextMenuEvent,
  ColDef,
  GridApi,
  IDatasource,
  IGetRowsParams,
  ValueFormatterParams,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowRow, FlowSort, FlowSortColumn } from '../../../../shared/query';
import { FLOW_SORT_COLUMNS } from '../../../../shared/query';
import { api, errorText } from '../../api/client';
import { gridTheme } from '../../components/grid-theme';
import { fmtBytes, fmtCount, fmtPort, fmtTs } from '../../util/format';
import { cellMenu, flowQuery, queryKey, useWorkspace } from '../workspace/selection';

const BLOCK = 200;

function ipCell(p: { value: string; data?: FlowRow }, side: 'src' | 'dst') {
  if (!p.data) return p.value ?? '';
  const kind = side === 'src' ? p.data.src_kind : p.data.dst_kind;
  const mark = kind === 'internal' ? 'int' : kind === 'public' ? 'pub' : kind;
  return (
    <span className="ip-cell">
      <span className={`ip-mark ${kind === 'internal' ? 'int' : kind === 'public' ? 'pub' : 'special'}`}>{mark}</span>
      {p.value}
    </span>
  );
}

export function FlowsGrid() {
  const w = useWorkspace();
  const q = flowQuery(w.selection);
  const key = queryKey(q);
  const gridApi = useRef<GridApi<FlowRow> | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [firstMs, setFirstMs] = useState<number | null>(null);

  const columns = useMemo<ColDef<FlowRow>[]>(
    () => [
      { field: 'ts', headerName: 'Start (UTC)', width: 168, valueFormatter: (p) => fmtTs(p.value) },
      {
        colId: 'duration',
        headerName: 'Dur',
        width: 58,
        valueGetter: (p) => (p.data?.ts_end ? (Date.parse(p.data.ts_end) - Date.parse(p.data.ts)) / 1000 : null),
        valueFormatter: (p: ValueFormatterParams) => (p.value == null ? '' : `${Number(p.value).toFixed(2)}s`),
      },
      { field: 'proto', headerName: 'Proto', width: 56 },
      { field: 'src_ip', headerName: 'Source', width: 150, cellRenderer: (p: { value: string; data?: FlowRow }) => ipCell(p, 'src') },
      { field: 'src_port', headerName: 'Sport', width: 62 },
      { field: 'dst_ip', headerName: 'Destination', width: 150, cellRenderer: (p: { value: string; data?: FlowRow }) => ipCell(p, 'dst') },
      {
        field: 'dst_port',
        headerName: 'Dport',
        width: 104,
        valueFormatter: (p) => fmtPort(p.value, p.data?.proto),
      },
      { field: 'state', headerName: 'State', width: 84 },
      { field: 'src_bytes', headerName: 'Bytes out', width: 80, type: 'rightAligned', valueFormatter: (p) => fmtBytes(p.value) },
      { field: 'dst_bytes', headerName: 'Bytes in', width: 80, type: 'rightAligned', valueFormatter: (p) => fmtBytes(p.value) },
      { field: 'src_pkts', headerName: 'Pkts out', width: 70, type: 'rightAligned' },
      { field: 'dst_pkts', headerName: 'Pkts in', width: 70, type: 'rightAligned' },
      { field: 'label', headerName: 'Label', width: 110 },
      { field: 'id', headerName: '#', width: 90, type: 'rightAligned' },
    ],
    [],
  );

  const datasource = useMemo<IDatasource>(() => {
    let total: number | null = null;
    const started = performance.now();
    let first = true;
    const counting = api.countFlows(q).then(
      (n) => {
        total = n;
        setCount(n);
        gridApi.current?.setRowCount(n, true);
        return n;
      },
      (e) => {
        setError(errorText(e));
        return null;
      },
    );
    void counting;
    return {
      getRows: (p: IGetRowsParams) => {
        const sort: FlowSort[] = p.sortModel
          .filter((s) => (FLOW_SORT_COLUMNS as readonly string[]).includes(s.colId))
          .map((s) => ({ column: s.colId as FlowSortColumn, dir: s.sort }));
        api
          .flows({ ...q, sort, offset: p.startRow, limit: p.endRow - p.startRow })
          .then((page) => {
            const n = page.rows.length;
            const last = total ?? (n < p.endRow - p.startRow ? p.startRow + n : -1);
            p.successCallback(page.rows, last);
            if (first) {
              first = false;
              setFirstMs(Math.round(performance.now() - started));
              document.body.dataset.flowsReady = key;
            }
          })
          .catch((e) => {
            setError(errorText(e));
            p.failCallback();
          });
      },
    };
    // the query key carries everything q holds
  }, [key]);

  useEffect(() => {
    setCount(null);
    setError(null);
    delete document.body.dataset.flowsReady;
  }, [datasource]);

  const onMenu = (e: CellContextMenuEvent<FlowRow>) => {
    const ev = e.event as MouseEvent | null;
    if (!ev) return;
    ev.preventDefault();
    w.openMenu(ev.clientX, ev.clientY, cellMenu(w, e.column.getColId(), e.value));
  };

  return (
    <section className="pane flows-pane" aria-label="Flows">
      <header className="pane-head">
        <h2>Flows</h2>
        <span className="count" data-testid="flows-count" data-count={count ?? ''}>
          {count == null ? 'counting…' : `${fmtCount(count)} flows`}
        </span>
        {w.selection.incident && <span className="chip">incident #{w.selection.incident.id}</span>}
        {w.selection.range && (
          <span className="chip">
            {fmtTs(w.selection.range.from, false)} → {fmtTs(w.selection.range.to, false)}
            <button type="button" aria-label="Clear time range" onClick={() => w.setRange(null)}>
              ×
            </button>
          </span>
        )}
        {firstMs != null && <span className="muted">first rows {firstMs} ms</span>}
      </header>
      {error && (
        <div className="pane-state error" role="alert">
          {error}
        </div>
      )}
      <div className="grid-host">
        <AgGridReact<FlowRow>
          theme={gridTheme}
          columnDefs={columns}
          defaultColDef={{ sortable: true, resizable: true }}
          rowModelType="infinite"
          cacheBlockSize={BLOCK}
          maxBlocksInCache={50}
          blockLoadDebounceMillis={10}
          infiniteInitialRowCount={1}
          datasource={datasource}
          onGridReady={(e) => {
            gridApi.current = e.api;
            (window as unknown as { __flowsGrid?: GridApi<FlowRow> }).__flowsGrid = e.api;
          }}
          onCellContextMenu={onMenu}
          preventDefaultOnContextMenu
          onCellDoubleClicked={(e) => {
            const c = e.column.getColId();
            if (c === 'src_ip' || c === 'dst_ip') w.showHost(String(e.value));
          }}
          overlayNoRowsTemplate="<span>No flows match.</span>"
        />
      </div>
    </section>
  );
}
