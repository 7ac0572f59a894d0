// The investigation workspace: incidents, alerts and the detail of the selection on the left,
// timeline and flows in the middle, graph, charts and triage on the right, the host panel over
// them. One selection drives every pane; panes are resized by dragging their edges (kept in the
// case); Back and Forward walk the selections and filters (browser history entries of this page).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaseInfo, PaneSizes, UiState } from '../../../../shared/api';
import type { Alert, Incident } from '../../../../shared/model';
import type { TimeRange } from '../../../../shared/query';
import type { IncidentTriage, TriageStatus } from '../../../../shared/triage';
import { TRIAGE_STATUSES } from '../../../../shared/triage';
import { api, transport } from '../../api/client';
import { ContextMenu } from '../../components/context-menu';
import { Splitter } from '../../components/splitter';
import { ThemeToggle } from '../../components/theme-toggle';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtTs } from '../../util/format';
import { ChartsPanel } from '../charts/charts-panel';
import { AboutDialog } from '../context/about-dialog';
import { IncidentGraph } from '../charts/incident-graph';
import { DetailPanel } from '../detail/detail-panel';
import { FeedsPanel } from '../feeds/feeds-panel';
import { FilterBar } from '../filter/filter-bar';
import { FlowsGrid } from '../flows/flows-grid';
import { HostPanel } from '../host/host-panel';
import { AlertsGrid } from '../incidents/alerts-grid';
import { IncidentsGrid, type IncidentRow } from '../incidents/incidents-grid';
import { DEFAULT_STATUSES } from '../incidents/status-filter';
import { TimelineChart } from '../timeline/timeline-chart';
import { ExportDialog } from '../triage/export-dialog';
import { RulesPanel } from '../triage/rules-panel';
import { SaveAsDialog } from '../triage/save-as-dialog';
import { SiteDialog } from '../site/site-dialog';
import { TriagePanel } from '../triage/triage-panel';
import { CloseCaseButton } from '../home/close-case-button';
import { ZoneBadge } from '../import/zone-badge';
import { StoreBadge } from './store-badge';
import { FollowDialog } from '../follow/follow-dialog';
import { FollowStatusBar } from '../follow/follow-status';
import { LiveContext } from '../follow/live';
import { IncidentToasts } from '../follow/toasts';
import { useFollow } from '../follow/use-follow';
import { takeEarly, takeEarlyValue } from './early-reads';
import { bounds, effectivePanes } from './layout';
import { navKey, onNav, recordNav, type NavState } from './nav-history';
import {
  EMPTY_SELECTION,
  WorkspaceContext,
  type Drill,
  type MenuItem,
  type Selection,
  type WorkspaceActions,
} from './selection';

const HISTORY = 30;
const UNDO = 50;
const NO_ALERTS: Alert[] = [];
const SPLIT = 5; // px of a splitter
/** The panes after the incident list mount at most this long after it (see restMounted). */
const LATE_MS = 300;

export function Workspace({
  info,
  onHome,
  onInfo,
}: {
  info: CaseInfo;
  onHome(): void;
  /** The case's figures changed (its server connected again). */
  onInfo?(info: CaseInfo): void;
}) {
  // following a folder: incidents reload after each detection run, flows panes after batches
  const follow = useFollow(info.path);
  const live = useMemo(
    () => ({ flowsRev: follow.flowsRev, incidentsRev: follow.incidentsRev }),
    [follow.flowsRev, follow.incidentsRev],
  );
  const [followDialog, setFollowDialog] = useState(false);
  const [followShown, setFollowShown] = useState(true);
  const followState = follow.view?.status.state;
  const following =
    followState === 'following' || followState === 'starting' || followState === 'stopping';
  // the list read as the page started, when it is in: drawn with the first render (early-reads.ts)
  const [earlyIncidents] = useState(() => takeEarlyValue('incidents'));
  // The incident list first: the flows grid, the timeline, the graph, the alerts and the detail
  // mount once the list's first row is painted (the grid says so, after its next frame: see
  // IncidentsGrid's onShown), or at once when there is nothing to draw, at most LATE_MS later.
  // Mounting them all at once held the list back by their echarts and grid set-up on the page's
  // one thread (issue 16).
  const [restMounted, setRestMounted] = useState(false);
  const mountRest = useCallback(() => setRestMounted(true), []);
  const incidents = useAsync(
    () => takeEarly('incidents') ?? api.incidents(),
    [info.path, info.incidents, follow.incidentsRev],
    earlyIncidents,
  );
  useEffect(() => {
    if (restMounted) return;
    if (incidents.error || incidents.value?.length === 0) return void setRestMounted(true);
    const t = setTimeout(() => setRestMounted(true), LATE_MS);
    return () => clearTimeout(t);
  }, [restMounted, incidents.error, incidents.value]);
  const triage = useAsync(
    () => takeEarly('triageAll') ?? api.triageAll(),
    [info.path, info.incidents],
  );
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [filterHistory, setHistory] = useState<string[]>([]);
  const [undo, setUndo] = useState<string[]>([]);
  const [host, setHost] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; items: MenuItem[] } | null>(null);
  const [side, setSide] = useState<'graph' | 'charts' | 'triage'>('graph');
  const [feeds, setFeeds] = useState(false);
  const [caseDialog, setCaseDialog] = useState<
    'rules' | 'export' | 'save-as' | 'site' | 'about' | null
  >(null);
  const [restored, setRestored] = useState<UiState | null>(null);
  const [panes, setPanes] = useState<PaneSizes>({});
  const [hiddenCols, setHiddenCols] = useState<Record<string, string[]>>({});
  const [statuses, setStatuses] = useState<TriageStatus[]>(DEFAULT_STATUSES);
  /** An alert id to select once the selected incident's alerts are in (reopen, Back/Forward). */
  const [pendingAlert, setPendingAlert] = useState<number | null>(null);
  const [restoredDone, setRestoredDone] = useState(false);
  const order = useRef<number[]>([]);
  const filterInput = useRef<HTMLInputElement>(null);

  // ---- alerts of the selected incident ----
  const incidentId = selection.incident?.id ?? null;
  // an incident that grew while following (same id, more alerts) reloads its alerts in place
  const grown = selection.incident
    ? `${selection.incident.alert_count}|${selection.incident.last_seen}|${selection.incident.score}`
    : '';
  const alertsState = useAsync<{ id: number | null; rows: Alert[] }>(
    () =>
      incidentId == null
        ? Promise.resolve({ id: null, rows: NO_ALERTS })
        : api.alerts(incidentId).then((rows) => ({ id: incidentId, rows })),
    [incidentId, grown],
  );
  // tagged with their incident, so the previous incident's alerts never show meanwhile
  const alerts = alertsState.value?.id === incidentId ? alertsState.value.rows : NO_ALERTS;
  const alertsLoading = incidentId != null && alertsState.value?.id !== incidentId;
  useEffect(() => {
    if (pendingAlert == null) return;
    if (incidentId == null) return setPendingAlert(null);
    if (alertsLoading) return;
    setPendingAlert(null);
    const a = alerts.find((x) => x.id === pendingAlert) ?? null;
    if (a) setSelection((s) => (s.incident?.id === a.incident_id ? { ...s, alert: a } : s));
  }, [pendingAlert, alerts, alertsLoading, incidentId]);

  // the selected alert as the reloaded list has it (its ids stay while following)
  useEffect(() => {
    setSelection((s) => {
      if (!s.alert) return s;
      const same = alerts.find((a) => a.id === s.alert!.id);
      return same && same !== s.alert ? { ...s, alert: same } : s;
    });
  }, [alerts]);

  // ---- reopen as left: selection, filter and its history, panes, columns come from the case ----
  useEffect(() => {
    (takeEarly('uiState') ?? api.uiState()).then(
      (s) => setRestored(s),
      () => setRestored({}),
    );
  }, [info.path]);
  const restoredOnce = useRef(false);
  useEffect(() => {
    if (!restored || !incidents.value || restoredOnce.current) return;
    restoredOnce.current = true;
    // by key first: ids are renumbered by each detection run
    const inc =
      incidents.value.find(
        (i) => restored.selectedIncidentKey != null && i.key === restored.selectedIncidentKey,
      ) ??
      incidents.value.find((i) => i.id === restored.selectedIncidentId) ??
      null;
    setPendingAlert(inc ? (restored.selectedAlertId ?? null) : null);
    setRestoredDone(true);
    setSelection({
      incident: inc,
      alert: null,
      drill: restored.drill ?? null,
      range: restored.range ?? null,
      filter: restored.filter ?? '',
    });
    setHistory(restored.filterHistory ?? []);
    if (restored.tab === 'charts' || restored.tab === 'triage') setSide(restored.tab);
    setPanes(restored.panes ?? {});
    setHiddenCols(restored.hiddenColumns ?? {});
    if (restored.statuses?.every((s) => (TRIAGE_STATUSES as readonly string[]).includes(s)))
      setStatuses(restored.statuses);
  }, [restored, incidents.value]);
  // The view is saved 400 ms after the last change; a save still waiting when the workspace goes
  // (Home, another case) is made then, so a reopened case never shows a view the analyst left.
  const unsavedView = useRef<(() => Promise<void>) | null>(null);
  useEffect(() => () => void unsavedView.current?.(), []);
  const saveViewNow = useCallback(async () => unsavedView.current?.(), []);
  useEffect(() => {
    if (!restoredOnce.current) return;
    const save = () => {
      unsavedView.current = null;
      return api
        .saveUiState({
          selectedIncidentId: selection.incident?.id ?? null,
          selectedIncidentKey: selection.incident?.key ?? null,
          selectedAlertId: selection.alert?.id ?? pendingAlert,
          drill: selection.drill,
          range: selection.range,
          filter: selection.filter,
          filterHistory,
          tab: side,
          panes,
          hiddenColumns: hiddenCols,
          statuses,
        })
        .catch(() => undefined);
    };
    unsavedView.current = save;
    const t = setTimeout(() => void save(), 400);
    return () => clearTimeout(t);
  }, [selection, filterHistory, side, panes, hiddenCols, statuses, pendingAlert]);

  // ---- filter: history and undo ----
  const filterNow = useRef(selection.filter);
  filterNow.current = selection.filter;
  const undoNow = useRef(undo);
  undoNow.current = undo;
  const setFilter = useCallback((text: string) => {
    const before = filterNow.current;
    if (before !== text) setUndo((u) => [...u, before].slice(-UNDO));
    setSelection((s) => ({ ...s, filter: text }));
    if (text) setHistory((h) => [text, ...h.filter((x) => x !== text)].slice(0, HISTORY));
  }, []);
  const undoFilter = useCallback(() => {
    const u = undoNow.current;
    if (!u.length) return;
    setUndo(u.slice(0, -1));
    setSelection((s) => ({ ...s, filter: u[u.length - 1] }));
  }, []);

  const list = incidents.value;
  const actions = useMemo<WorkspaceActions>(
    () => ({
      selection,
      alerts,
      selectIncident: (i: Incident | null) => {
        setPendingAlert(null);
        setSelection((s) => ({ ...s, incident: i, alert: null, drill: null, range: null }));
      },
      selectAlert: (a: Alert | null) => setSelection((s) => ({ ...s, alert: a, drill: null })),
      setDrill: (d: Drill | null) => setSelection((s) => ({ ...s, drill: d })),
      setRange: (r: TimeRange | null) => setSelection((s) => ({ ...s, range: r })),
      setFilter,
      addClause: (clause: string, exclude?: boolean) => {
        const c = exclude ? `not ${clause}` : clause;
        const cur = selection.filter.trim();
        setFilter(cur ? `(${cur}) and ${c}` : c);
      },
      showHost: (ip: string | null) => setHost(ip),
      openMenu: (x: number, y: number, items: MenuItem[]) => setMenu({ x, y, items }),
      hiddenColumns: (grid: string, fallback: readonly string[]) =>
        hiddenCols[grid] ?? [...fallback],
      setHiddenColumns: (grid: string, ids: string[]) =>
        setHiddenCols((h) => ({ ...h, [grid]: ids })),
    }),
    [selection, alerts, setFilter, hiddenCols],
  );

  // after a detection re-run the incidents are new rows: keep the same incident (by key) selected
  useEffect(() => {
    if (!list) return;
    setSelection((s) => {
      if (!s.incident) return s;
      const same = list.find((i) => i.key === s.incident!.key) ?? null;
      if (same === s.incident) return s;
      return same && same.id === s.incident.id
        ? { ...s, incident: same }
        : { ...s, incident: same, alert: null };
    });
  }, [list]);

  // a toast's "Open incident": selected once the list has it (it may still be reloading)
  const [openKey, setOpenKey] = useState<string | null>(null);
  useEffect(() => {
    if (!openKey || !list) return;
    const inc = list.find((i) => i.key === openKey);
    if (!inc) return;
    setOpenKey(null);
    if (!statuses.includes(triageByKeyRef.current.get(inc.key)?.status ?? 'new'))
      setStatuses([...DEFAULT_STATUSES]);
    actions.selectIncident(inc);
  }, [openKey, list]);

  // ---- triage status in the list ----
  const triageByKey = useMemo(
    () => new Map<string, IncidentTriage>((triage.value ?? []).map((t) => [t.key, t])),
    [triage.value],
  );
  const triageByKeyRef = useRef(triageByKey);
  triageByKeyRef.current = triageByKey;
  // the attackers' country and AS (address context), looked up once per incident list
  const attackerGeo = useAsync(async () => {
    const ips = [...new Set((list ?? []).map((i) => i.attacker).filter((x): x is string => !!x))];
    return new Map((ips.length ? await api.geoOf(ips.slice(0, 5000)) : []).map((g) => [g.ip, g]));
  }, [list]);
  const withTriage = useMemo<IncidentRow[]>(
    () =>
      (list ?? []).map((i) => {
        const g = i.attacker ? attackerGeo.value?.get(i.attacker) : undefined;
        return {
          ...i,
          status: triageByKey.get(i.key)?.status ?? 'new',
          tags: triageByKey.get(i.key)?.tags ?? [],
          attacker_country: g?.country ?? null,
          attacker_asn: g?.asn ?? null,
          attacker_as_org: g?.asOrg ?? null,
        };
      }),
    [list, triageByKey, attackerGeo.value],
  );
  const counts = useMemo(() => {
    const c = Object.fromEntries(TRIAGE_STATUSES.map((s) => [s, 0])) as Record<
      TriageStatus,
      number
    >;
    for (const r of withTriage) c[r.status]++;
    return c;
  }, [withTriage]);
  const rows = useMemo(
    () => withTriage.filter((r) => statuses.includes(r.status)),
    [withTriage, statuses],
  );

  // ---- keyboard: j/k incidents, arrows alerts ----
  const move = useCallback(
    (delta: number) => {
      const ids = order.current.length ? order.current : rows.map((r) => r.id);
      if (!ids.length) return;
      const idx = selection.incident ? ids.indexOf(selection.incident.id) : -1;
      const nextId = ids[Math.max(0, Math.min(ids.length - 1, idx + delta))];
      const next = rows.find((r) => r.id === nextId) ?? null;
      if (next && next.id !== selection.incident?.id) actions.selectIncident(next);
    },
    [rows, selection.incident, actions],
  );
  const moveAlert = useCallback(
    (delta: number) => {
      if (!selection.incident || !alerts.length) return;
      const idx = selection.alert ? alerts.findIndex((a) => a.id === selection.alert!.id) : -1;
      const next = idx + delta;
      // above the first alert is the whole incident again
      if (next < 0) actions.selectAlert(null);
      else actions.selectAlert(alerts[Math.min(alerts.length - 1, next)]);
    },
    [selection.incident, selection.alert, alerts, actions],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing =
        t.tagName === 'INPUT' ||
        t.tagName === 'TEXTAREA' ||
        t.tagName === 'SELECT' ||
        t.isContentEditable;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        onHome();
        return;
      }
      if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        if (e.key === 'ArrowLeft') window.history.back();
        else window.history.forward();
        return;
      }
      if (typing) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        undoFilter();
      } else if (e.key === '/') {
        e.preventDefault();
        filterInput.current?.focus();
        filterInput.current?.select();
      } else if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        move(e.key === 'j' ? 1 : -1);
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        // inside a grid the arrows move its focused row (the alerts grid follows it itself)
        if (t.closest('.ag-root-wrapper') || t.closest('[role="separator"]')) return;
        e.preventDefault();
        moveAlert(e.key === 'ArrowDown' ? 1 : -1);
      } else if (e.key === 'Escape') {
        if (menu) setMenu(null);
        else if (host) setHost(null);
        else if (selection.alert || selection.drill)
          setSelection((s) => ({ ...s, alert: null, drill: null }));
        else setSelection((s) => ({ ...s, incident: null, range: null }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, moveAlert, menu, host, onHome, undoFilter, selection.alert, selection.drill]);

  // ---- Back / Forward: each place of the investigation is a history entry of this page ----
  const nav: NavState = {
    incidentKey: selection.incident?.key ?? null,
    alertId: selection.alert?.id ?? null,
    drill: selection.drill,
    range: selection.range,
    filter: selection.filter,
  };
  const key = navKey(nav);
  // an alert still loading is not a new place yet: it would record the incident without it first
  const settled = restoredDone && pendingAlert == null;
  useEffect(() => {
    if (settled) recordNav(nav);
  }, [key, settled]);
  const listRef = useRef(list);
  listRef.current = list;
  useEffect(
    () =>
      onNav((n) => {
        const inc = n.incidentKey
          ? (listRef.current?.find((i) => i.key === n.incidentKey) ?? null)
          : null;
        setPendingAlert(inc && n.alertId != null ? n.alertId : null);
        setSelection({
          incident: inc,
          alert: null,
          drill: n.drill,
          range: n.range,
          filter: n.filter,
        });
      }),
    [],
  );

  // ---- panes ----
  const columnsEl = useRef<HTMLDivElement>(null);
  const [area, setArea] = useState({ width: 1600, height: 900 });
  useEffect(() => {
    const el = columnsEl.current;
    if (!el) return;
    const ro = new ResizeObserver(
      ([e]) => e && setArea({ width: e.contentRect.width, height: e.contentRect.height }),
    );
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const p = effectivePanes(panes, area.width - 2 * SPLIT, area.height);
  const b = bounds(p, area.width - 2 * SPLIT, area.height);
  const resize = (k: keyof PaneSizes) => (v: number) =>
    setPanes((cur) => ({ ...p, ...cur, [k]: v }));

  return (
    <WorkspaceContext.Provider value={actions}>
      <LiveContext.Provider value={live}>
        <div className="workspace">
          <header className="top-bar">
            <button type="button" className="brand" onClick={onHome} title="Home (Ctrl+O)">
              netsift
            </button>
            <span className="case-name" title={info.path}>
              {info.name}
            </span>
            {/* a case whose server is not connected knows no figures: the store badge says why */}
            {(!info.flowStore || info.flowStore.connected) && (
              <span className="muted facts-line">
                {fmtCount(info.flows)} flows · {fmtTs(info.firstTs, false)} →{' '}
                {fmtTs(info.lastTs, false)}
              </span>
            )}
            <ZoneBadge zones={info.zones} />
            <StoreBadge info={info} onInfo={(next) => onInfo?.(next)} />
            {!following && (
              <button
                type="button"
                onClick={() => setFollowDialog(true)}
                title="Import the new files of a folder into this case as they appear, detecting as they come"
              >
                Follow…
              </button>
            )}
            <button type="button" onClick={() => setFeeds(true)}>
              Feeds
            </button>
            <button
              type="button"
              onClick={() => setCaseDialog('site')}
              title="The case's internal networks"
            >
              Site
            </button>
            <button type="button" onClick={() => setCaseDialog('rules')}>
              Allow rules
            </button>
            <button type="button" onClick={() => setCaseDialog('export')}>
              Export report
            </button>
            <button type="button" onClick={() => setCaseDialog('save-as')}>
              Save as…
            </button>
            <ThemeToggle />
            <button
              type="button"
              onClick={() => setCaseDialog('about')}
              title="Version, and where country and AS data come from"
            >
              About
            </button>
            <CloseCaseButton onClosed={onHome} beforeClose={saveViewNow} />
          </header>
          {/* the filter gets a row of its own, the width of the window (as in Wireshark) */}
          <div className="filter-row">
            <span className="nav-buttons">
              <button
                type="button"
                aria-label="Back"
                title="Back to the previous selection or filter (Alt+←)"
                onClick={() => window.history.back()}
              >
                ←
              </button>
              <button
                type="button"
                aria-label="Forward"
                title="Forward (Alt+→)"
                onClick={() => window.history.forward()}
              >
                →
              </button>
            </span>
            <FilterBar
              ref={filterInput}
              value={selection.filter}
              history={filterHistory}
              onApply={setFilter}
              undoTo={undo.length ? undo[undo.length - 1] : null}
              onUndo={undoFilter}
            />
          </div>
          {follow.view && (following || followShown) && (
            <FollowStatusBar
              view={follow.view}
              onStopped={follow.refresh}
              onDismiss={() => setFollowShown(false)}
            />
          )}
          <div
            className="columns"
            ref={columnsEl}
            data-testid="columns"
            style={{
              gridTemplateColumns: `${p.left}px ${SPLIT}px minmax(0, 1fr) ${SPLIT}px ${p.right}px`,
            }}
          >
            <div className="col left" data-testid="left-column">
              <div className="stack" style={{ height: p.incidents }}>
                <IncidentsGrid
                  incidents={incidents}
                  rows={rows}
                  counts={counts}
                  statuses={statuses}
                  onStatuses={setStatuses}
                  onOrder={(ids) => (order.current = ids)}
                  onShown={mountRest}
                />
              </div>
              <Splitter
                dir="row"
                side="before"
                value={p.incidents}
                min={b.incidents[0]}
                max={b.incidents[1]}
                onChange={resize('incidents')}
                label="Resize incidents"
              />
              <div className="stack" style={{ height: p.alerts }}>
                {restMounted && (
                  <AlertsGrid
                    loading={alertsLoading}
                    error={alertsState.error}
                    reload={alertsState.reload}
                  />
                )}
              </div>
              <Splitter
                dir="row"
                side="before"
                value={p.alerts}
                min={b.alerts[0]}
                max={b.alerts[1]}
                onChange={resize('alerts')}
                label="Resize alerts"
              />
              <div className="stack fill">{restMounted && <DetailPanel />}</div>
            </div>
            <Splitter
              dir="col"
              side="before"
              value={p.left}
              min={b.left[0]}
              max={b.left[1]}
              onChange={resize('left')}
              label="Resize left column"
            />
            <div className="col middle">
              <div className="stack" style={{ height: p.timeline }}>
                {restMounted && <TimelineChart incidents={list ?? []} />}
              </div>
              <Splitter
                dir="row"
                side="before"
                value={p.timeline}
                min={b.timeline[0]}
                max={b.timeline[1]}
                onChange={resize('timeline')}
                label="Resize timeline"
              />
              <div className="stack fill">{restMounted && <FlowsGrid />}</div>
            </div>
            <Splitter
              dir="col"
              side="after"
              value={p.right}
              min={b.right[0]}
              max={b.right[1]}
              onChange={resize('right')}
              label="Resize right column"
            />
            <div className="col right" data-testid="right-column">
              <div className="tabs" role="tablist">
                <button
                  type="button"
                  role="tab"
                  aria-selected={side === 'graph'}
                  onClick={() => setSide('graph')}
                >
                  Graph
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={side === 'charts'}
                  onClick={() => setSide('charts')}
                >
                  Charts
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={side === 'triage'}
                  onClick={() => setSide('triage')}
                >
                  Triage
                </button>
              </div>
              {!restMounted ? null : side === 'graph' ? (
                <IncidentGraph />
              ) : side === 'charts' ? (
                <ChartsPanel />
              ) : (
                <TriagePanel onRulesChanged={incidents.reload} onTriageChanged={triage.reload} />
              )}
            </div>
          </div>
          {host && (
            <HostPanel
              ip={host}
              onSelectIncident={(id) => {
                const inc = list?.find((i) => i.id === id);
                if (inc) actions.selectIncident(inc);
              }}
            />
          )}
          {menu && <ContextMenu {...menu} onClose={() => setMenu(null)} />}
          {followDialog && (
            <FollowDialog
              onClose={() => setFollowDialog(false)}
              onStarted={() => {
                setFollowDialog(false);
                setFollowShown(true);
                follow.refresh();
              }}
            />
          )}
          {transport === 'http' && <IncidentToasts onOpen={setOpenKey} />}
          {feeds && <FeedsPanel onClose={() => setFeeds(false)} />}
          {caseDialog === 'rules' && (
            <RulesPanel onClose={() => setCaseDialog(null)} onChanged={incidents.reload} />
          )}
          {caseDialog === 'export' && (
            <ExportDialog incident={selection.incident} onClose={() => setCaseDialog(null)} />
          )}
          {caseDialog === 'about' && <AboutDialog onClose={() => setCaseDialog(null)} />}
          {caseDialog === 'site' && (
            <SiteDialog onClose={() => setCaseDialog(null)} onChanged={() => location.reload()} />
          )}
          {caseDialog === 'save-as' && (
            <SaveAsDialog
              info={info}
              onClose={() => setCaseDialog(null)}
              onSaved={() => location.reload()}
            />
          )}
        </div>
      </LiveContext.Provider>
    </WorkspaceContext.Provider>
  );
}
