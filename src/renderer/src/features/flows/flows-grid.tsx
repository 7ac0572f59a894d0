// The flows grid over the whole case: ag-grid's infinite row model paging through the engine, so
// sort and filter run in DuckDB and only the visible blocks cross the wire.
import type {
  CellContextMenuEvent,
  ColDef,
  GridApi,
  ICellRendererComp,
  ICellRendererParams,
  IDatasource,
  RowSelectionOptions,
  ValueFormatterParams,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowRow } from '../../../../shared/query';
import { FLOWS_BLOCK } from '../../../../shared/query';
import { api, errorText } from '../../api/client';
import { ColumnChooser } from '../../components/column-chooser';
import { gridColDefaults, useGridTheme } from '../../components/grid-theme';
import { fmtBytes, fmtCount, fmtPort, fmtTs } from '../../util/format';
import { requestTag } from '../../util/request-tag';
import { asText, countryName } from '../context/geo-text';
import { ExportPacketsButton } from '../context/export-packets';
import { useLive } from '../follow/live';
import { flowsLoading } from '../workspace/flows-first';
import { engineSort, flowsDatasource } from './flows-datasource';
import { cellMenu, flowQuery, queryKey, useWorkspace } from '../workspace/selection';

/**
 * An address with its kind mark (int / pub / loopback ...). A plain DOM renderer, not a React
 * component: a new selection draws every visible row at once, two address cells each, and a
 * React component per cell is work on the path to the analyst's first rows.
 */
class IpCell implements ICellRendererComp<FlowRow> {
  private readonly gui = document.createElement('span');

  init(p: ICellRendererParams<FlowRow> & { side: 'src' | 'dst' }): void {
    this.gui.className = 'ip-cell';
    this.draw(p);
  }

  getGui(): HTMLElement {
    return this.gui;
  }

  refresh(p: ICellRendererParams<FlowRow> & { side: 'src' | 'dst' }): boolean {
    this.draw(p);
    return true;
  }

  private draw(p: ICellRendererParams<FlowRow> & { side: 'src' | 'dst' }): void {
    const text = String(p.value ?? '');
    const kind = p.data ? (p.side === 'src' ? p.data.src_kind : p.data.dst_kind) : null;
    // the name the address had at the flow's start (the case's own DNS answers), after it
    const names = p.data ? (p.side === 'src' ? p.data.src_names : p.data.dst_names) : null;
    const parts: (Node | string)[] = [text];
    if (names?.length) {
      const name = document.createElement('span');
      name.className = 'ip-name';
      name.textContent = names.length > 1 ? `${names[0]} +${names.length - 1}` : names[0];
      parts.push(name);
      this.gui.title = `${text}\n${names.join('\n')}`;
    } else this.gui.removeAttribute('title');
    if (!kind) {
      this.gui.replaceChildren(...parts);
      return;
    }
    const mark = document.createElement('span');
    const cls = kind === 'internal' ? 'int' : kind === 'public' ? 'pub' : 'special';
    mark.className = `ip-mark ${cls}`;
    mark.textContent = cls === 'special' ? (SPECIAL_MARKS[kind] ?? kind.slice(0, 4)) : cls;
    if (cls === 'special') mark.title = kind; // the mark is short so the address keeps the room
    this.gui.replaceChildren(mark, ...parts);
  }
}

/** Short marks for special-purpose ranges (the engine's address kinds); the full kind is the title. */
const SPECIAL_MARKS: Record<string, string> = {
  benchmarking: 'bench',
  broadcast: 'bcast',
  discard: 'disc',
  documentation: 'doc',
  'link-local': 'link',
  loopback: 'lo',
  multicast: 'mcast',
  private: 'priv',
  reserved: 'rsvd',
  'shared-cgn': 'cgn',
  'this-network': 'this',
  unspecified: 'unsp',
};

/**
 * A text cell with a native title (the country's name, the AS organisation in full): plain DOM,
 * like IpCell, and no ag-grid tooltip, whose listeners made every mouse move on the page cost more.
 */
class TitledCell implements ICellRendererComp<FlowRow> {
  private readonly gui = document.createElement('span');

  init(p: ICellRendererParams<FlowRow> & { title(p: ICellRendererParams<FlowRow>): string }): void {
    this.draw(p);
  }

  getGui(): HTMLElement {
    return this.gui;
  }

  refresh(
    p: ICellRendererParams<FlowRow> & { title(p: ICellRendererParams<FlowRow>): string },
  ): boolean {
    this.draw(p);
    return true;
  }

  private draw(
    p: ICellRendererParams<FlowRow> & { title(p: ICellRendererParams<FlowRow>): string },
  ): void {
    this.gui.textContent = String(p.valueFormatted ?? p.value ?? '');
    const t = p.title(p);
    if (t) this.gui.title = t;
    else this.gui.removeAttribute('title');
  }
}

/** Country code and AS columns of one side (address context; not sortable in the engine). */
function geoColumns(side: 'src' | 'dst'): (ColDef<FlowRow> & { colId: string })[] {
  const label = side === 'src' ? 'Src' : 'Dst';
  const org = (p: { data?: FlowRow }) => p.data?.[`${side}_as_org`] ?? null;
  return [
    {
      colId: `${side}_country`,
      field: `${side}_country`,
      headerName: `${label} CC`,
      width: 58,
      minWidth: 50,
      sortable: false,
      cellRenderer: TitledCell,
      cellRendererParams: {
        title: (p: ICellRendererParams<FlowRow>) => countryName(p.value as string | null),
      },
    },
    {
      colId: `${side}_asn`,
      field: `${side}_asn`,
      headerName: `${label} AS`,
      flex: 3,
      minWidth: 120,
      sortable: false,
      // the header says AS: the cell is the number and the organisation
      valueFormatter: (p) => (p.value == null ? '' : `${p.value} ${org(p) ?? ''}`.trim()),
      cellRenderer: TitledCell,
      cellRendererParams: {
        title: (p: ICellRendererParams<FlowRow>) => asText(p.value as number | null, org(p)),
      },
    },
  ];
}

const HIDDEN_BY_DEFAULT = ['duration', 'src_pkts', 'dst_pkts', 'id', 'src_asn'];

// module-level: a new object per render would make ag-grid re-apply the selection options.
// Ctrl/Shift+click picks rows for "Export packets"; a plain click picks one.
const ROW_SELECTION: RowSelectionOptions = {
  mode: 'multiRow',
  checkboxes: false,
  headerCheckbox: false,
  enableClickSelection: true,
};

/**
 * What the grid is narrowed to, as chips: the incident (a click goes back to all of it), the alert
 * drilled to, a chart drill, the brushed range; each with × to drop it.
 */
function SelectionChips() {
  const w = useWorkspace();
  const { incident, alert, drill, range } = w.selection;
  return (
    <>
      {incident && (
        <span className="chip" data-testid="incident-chip">
          {alert || drill ? (
            <button
              type="button"
              className="chip-main"
              title="Back to the whole incident"
              onClick={() => (w.selectAlert(null), w.setDrill(null))}
            >
              incident #{incident.id}
            </button>
          ) : (
            <>incident #{incident.id}</>
          )}
          <button type="button" aria-label="Clear incident" onClick={() => w.selectIncident(null)}>
            ×
          </button>
        </span>
      )}
      {alert && (
        <span className="chip alert-chip" data-testid="alert-chip">
          alert #{alert.id}
          <button
            type="button"
            aria-label="Back to the whole incident"
            onClick={() => w.selectAlert(null)}
          >
            ×
          </button>
        </span>
      )}
      {drill && (
        <span className="chip drill-chip" data-testid="drill-chip">
          {drill.label}
          <button type="button" aria-label="Clear drill" onClick={() => w.setDrill(null)}>
            ×
          </button>
        </span>
      )}
      {range && (
        <span className="chip">
          {fmtTs(range.from, false)} → {fmtTs(range.to, false)}
          <button type="button" aria-label="Clear time range" onClick={() => w.setRange(null)}>
            ×
          </button>
        </span>
      )}
    </>
  );
}

/** Count and timing of one query; kept with its key so a new selection never shows the old one. */
interface Shown {
  key: string;
  count: number | null;
  firstMs: number | null;
  error: string | null;
}

export function FlowsGrid() {
  const w = useWorkspace();
  const q = flowQuery(w.selection);
  const key = queryKey(q);
  const gridApi = useRef<GridApi<FlowRow> | null>(null);
  // rows picked with (Ctrl/Shift+)click, for Export packets; a new selection starts with none
  const [picked, setPicked] = useState<{ key: string; ids: number[] }>({ key, ids: [] });
  const pickedIds = picked.key === key ? picked.ids : [];
  const [shown, setShown] = useState<Shown>({ key, count: null, firstMs: null, error: null });
  const current = shown.key === key ? shown : { key, count: null, firstMs: null, error: null };
  const { count, error, firstMs } = current;

  const theme = useGridTheme();
  const hidden = w.hiddenColumns('flows', HIDDEN_BY_DEFAULT);
  // widths flex to the pane down to a minimum (a horizontal scroll only below that); the
  // chooser hides what the analyst does not need
  const all = useMemo<(ColDef<FlowRow> & { colId: string })[]>(
    () => [
      {
        colId: 'ts',
        field: 'ts',
        headerName: 'Start (UTC)',
        flex: 3,
        minWidth: 164,
        valueFormatter: (p) => fmtTs(p.value),
      },
      {
        colId: 'duration',
        headerName: 'Dur',
        flex: 1,
        minWidth: 56,
        valueGetter: (p) =>
          p.data?.ts_end ? (Date.parse(p.data.ts_end) - Date.parse(p.data.ts)) / 1000 : null,
        valueFormatter: (p: ValueFormatterParams) =>
          p.value == null ? '' : `${Number(p.value).toFixed(2)}s`,
      },
      { colId: 'proto', field: 'proto', headerName: 'Proto', flex: 1, minWidth: 46 },
      {
        colId: 'src_ip',
        field: 'src_ip',
        headerName: 'Source',
        flex: 4,
        minWidth: 150,
        cellRenderer: IpCell,
        cellRendererParams: { side: 'src' },
      },
      ...geoColumns('src'),
      { colId: 'src_port', field: 'src_port', headerName: 'Sport', flex: 1, minWidth: 50 },
      {
        colId: 'dst_ip',
        field: 'dst_ip',
        headerName: 'Destination',
        flex: 5,
        minWidth: 170,
        cellRenderer: IpCell,
        cellRendererParams: { side: 'dst' },
      },
      ...geoColumns('dst'),
      {
        colId: 'dst_port',
        field: 'dst_port',
        headerName: 'Dport',
        flex: 2,
        minWidth: 66,
        valueFormatter: (p) => fmtPort(p.value, p.data?.proto),
      },
      { colId: 'state', field: 'state', headerName: 'State', flex: 2, minWidth: 60 },
      {
        colId: 'src_bytes',
        field: 'src_bytes',
        headerName: 'Bytes out',
        flex: 1,
        minWidth: 72,
        type: 'rightAligned',
        valueFormatter: (p) => fmtBytes(p.value),
      },
      {
        colId: 'dst_bytes',
        field: 'dst_bytes',
        headerName: 'Bytes in',
        flex: 1,
        minWidth: 64,
        type: 'rightAligned',
        valueFormatter: (p) => fmtBytes(p.value),
      },
      {
        colId: 'src_pkts',
        field: 'src_pkts',
        headerName: 'Pkts out',
        flex: 1,
        minWidth: 62,
        type: 'rightAligned',
      },
      {
        colId: 'dst_pkts',
        field: 'dst_pkts',
        headerName: 'Pkts in',
        flex: 1,
        minWidth: 62,
        type: 'rightAligned',
      },
      { colId: 'label', field: 'label', headerName: 'Label', flex: 2, minWidth: 50 },
      { colId: 'id', field: 'id', headerName: '#', flex: 1, minWidth: 70, type: 'rightAligned' },
    ],
    [],
  );
  const columns = useMemo(
    () => all.map((c) => ({ ...c, hide: hidden.includes(c.colId) })),
    [all, hidden.join()],
  );

  // the selection the grid shows now: answers for an earlier one are dropped, so a late answer
  // (or the 'cancelled' of a superseded request) never overwrites the current count
  const currentKey = useRef(key);
  currentKey.current = key;
  // a closed workspace leaves no count or first page running in the engine
  useEffect(
    () => () =>
      void api
        .cancelQueries([requestTag('count'), requestTag('grid-first')])
        .catch(() => undefined),
    [],
  );

  // following: an empty grid that gets its first flows starts over with a new datasource (ag-grid's
  // infinite model keeps no cache to refresh once it found no rows)
  const [refill, setRefill] = useState(0);
  const datasource = useMemo<IDatasource>(() => {
    const started = performance.now();
    const update = (patch: Partial<Shown>) => {
      if (currentKey.current !== key) return;
      setShown((s) => ({
        ...(s.key === key ? s : { key, count: null, firstMs: null, error: null }),
        ...patch,
      }));
    };
    delete document.body.dataset.flowsReady;
    const shown = flowsLoading();
    // The first page is asked for now, beside the count, instead of when the grid gets round to
    // calling getRows (after this render, the other panes' work and the grid's block debounce):
    // on a new selection it is what the analyst waits for.
    const state = gridApi.current?.getColumnState() ?? [];
    return flowsDatasource({
      api,
      q,
      firstSort: engineSort([...state].sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))),
      isCurrent: () => currentKey.current === key,
      onCount: (n) => {
        update({ count: n });
        gridApi.current?.setRowCount(n, true);
      },
      onFirstRows: (ok) => {
        shown();
        if (!ok) return;
        update({ firstMs: Math.round(performance.now() - started) });
        document.body.dataset.flowsReady = key;
      },
      onError: (e) => update({ error: errorText(e) }),
    });
    // the query key carries everything q holds
  }, [key, refill]);

  // following: new flows arrived. The count again, and the cached blocks read again in place:
  // the rows, sort and scroll the analyst has stay where they are
  const { flowsRev } = useLive();
  const shownRev = useRef(flowsRev);
  useEffect(() => {
    if (shownRev.current === flowsRev) return;
    shownRev.current = flowsRev;
    const at = key;
    const g = gridApi.current;
    if (!g || !g.getDisplayedRowCount()) {
      setRefill((r) => r + 1);
      return;
    }
    api.countFlows({ ...q, supersede: requestTag('count') }).then(
      (n) => {
        if (currentKey.current !== at) return;
        setShown((s) => (s.key === at ? { ...s, count: n } : s));
        g.setRowCount(n, true);
        g.refreshInfiniteCache();
      },
      () => undefined,
    );
  }, [flowsRev]);

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
        <span className="count" data-testid="flows-count" data-count={count ?? ''} data-key={key}>
          {count == null ? 'counting…' : `${fmtCount(count)} flows`}
        </span>
        <SelectionChips />
        {firstMs != null && <span className="muted">first rows {firstMs} ms</span>}
        <ExportPacketsButton query={q} flows={count} flowIds={pickedIds} />
        <ColumnChooser
          grid="flows"
          columns={all.map((c) => ({ id: c.colId, label: c.headerName ?? c.colId }))}
          hidden={hidden}
          onChange={(h) => w.setHiddenColumns('flows', h)}
        />
      </header>
      {error && (
        <div className="pane-state error" role="alert">
          {error}
        </div>
      )}
      <div className="grid-host">
        <AgGridReact<FlowRow>
          theme={theme}
          columnDefs={columns}
          defaultColDef={gridColDefaults}
          rowModelType="infinite"
          cacheBlockSize={FLOWS_BLOCK}
          maxBlocksInCache={50}
          blockLoadDebounceMillis={10}
          infiniteInitialRowCount={1}
          // rows drawn beyond the viewport (default 10): each is a dozen React cells to create on
          // every new selection, and the next block is paged in anyway
          rowBuffer={4}
          datasource={datasource}
          onGridReady={(e) => {
            gridApi.current = e.api;
            (window as unknown as { __flowsGrid?: GridApi<FlowRow> }).__flowsGrid = e.api;
          }}
          rowSelection={ROW_SELECTION}
          onSelectionChanged={(e) =>
            setPicked({
              key: currentKey.current,
              ids: e.api
                .getSelectedRows()
                .map((r) => r.id)
                .sort((a, b) => a - b),
            })
          }
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
