// The investigation workspace: incidents and alerts on the left, timeline and flows in the middle,
// graph and charts on the right, the host panel over them. One selection drives every pane.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaseInfo, UiState } from '../../../../shared/api';
import type { Incident } from '../../../../shared/model';
import type { TimeRange } from '../../../../shared/query';
import { api } from '../../api/client';
import { ContextMenu } from '../../components/context-menu';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtTs } from '../../util/format';
import { ChartsPanel } from '../charts/charts-panel';
import { IncidentGraph } from '../charts/incident-graph';
import { FeedsPanel } from '../feeds/feeds-panel';
import { FilterBar } from '../filter/filter-bar';
import { FlowsGrid } from '../flows/flows-grid';
import { HostPanel } from '../host/host-panel';
import { AlertsGrid } from '../incidents/alerts-grid';
import { IncidentsGrid } from '../incidents/incidents-grid';
import { TimelineChart } from '../timeline/timeline-chart';
import { ExportDialog } from '../triage/export-dialog';
import { RulesPanel } from '../triage/rules-panel';
import { SaveAsDialog } from '../triage/save-as-dialog';
import { SiteDialog } from '../site/site-dialog';
import { TriagePanel } from '../triage/triage-panel';
import { CloseCaseButton } from '../home/close-case-button';
import { ZoneBadge } from '../import/zone-badge';
import { WorkspaceContext, type MenuItem, type Selection, type WorkspaceActions } from './selection';

const HISTORY = 30;

export function Workspace({ info, onHome }: { info: CaseInfo; onHome(): void }) {
  const incidents = useAsync(() => api.incidents(), [info.path, info.incidents]);
  const [selection, setSelection] = useState<Selection>({ incident: null, range: null, filter: '' });
  const [history, setHistory] = useState<string[]>([]);
  const [host, setHost] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; items: MenuItem[] } | null>(null);
  const [side, setSide] = useState<'graph' | 'charts' | 'triage'>('graph');
  const [feeds, setFeeds] = useState(false);
  const [caseDialog, setCaseDialog] = useState<'rules' | 'export' | 'save-as' | 'site' | null>(null);
  const [restored, setRestored] = useState<UiState | null>(null);
  const filterInput = useRef<HTMLInputElement>(null);

  // reopen as left: selection, filter and its history come from the case
  useEffect(() => {
    api.uiState().then(
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
      incidents.value.find((i) => restored.selectedIncidentKey != null && i.key === restored.selectedIncidentKey) ??
      incidents.value.find((i) => i.id === restored.selectedIncidentId) ??
      null;
    setSelection({ incident: inc, range: restored.range ?? null, filter: restored.filter ?? '' });
    setHistory(restored.filterHistory ?? []);
    if (restored.tab === 'charts' || restored.tab === 'triage') setSide(restored.tab);
  }, [restored, incidents.value]);
  useEffect(() => {
    if (!restoredOnce.current) return;
    const t = setTimeout(() => {
      void api
        .saveUiState({
          selectedIncidentId: selection.incident?.id ?? null,
          selectedIncidentKey: selection.incident?.key ?? null,
          range: selection.range,
          filter: selection.filter,
          filterHistory: history,
          tab: side,
        })
        .catch(() => undefined);
    }, 500);
    return () => clearTimeout(t);
  }, [selection, history, side]);

  const setFilter = useCallback((text: string) => {
    setSelection((s) => ({ ...s, filter: text }));
    if (text) setHistory((h) => [text, ...h.filter((x) => x !== text)].slice(0, HISTORY));
  }, []);

  const actions = useMemo<WorkspaceActions>(
    () => ({
      selection,
      selectIncident: (i: Incident | null) => setSelection((s) => ({ ...s, incident: i, range: null })),
      setRange: (r: TimeRange | null) => setSelection((s) => ({ ...s, range: r })),
      setFilter,
      addClause: (clause: string, exclude?: boolean) => {
        const c = exclude ? `not ${clause}` : clause;
        const cur = selection.filter.trim();
        setFilter(cur ? `(${cur}) and ${c}` : c);
      },
      showHost: (ip: string | null) => {
        setHost(ip);
      },
      openMenu: (x: number, y: number, items: MenuItem[]) => setMenu({ x, y, items }),
    }),
    [selection, setFilter],
  );

  const list = incidents.value;
  // after a detection re-run the incidents are new rows: keep the same incident (by key) selected
  useEffect(() => {
    if (!list) return;
    setSelection((s) => {
      if (!s.incident) return s;
      const same = list.find((i) => i.key === s.incident!.key) ?? null;
      return same === s.incident ? s : { ...s, incident: same };
    });
  }, [list]);
  const move = useCallback(
    (delta: number) => {
      if (!list?.length) return;
      const idx = selection.incident ? list.findIndex((i) => i.id === selection.incident!.id) : -1;
      const next = list[Math.max(0, Math.min(list.length - 1, idx + delta))];
      setSelection((s) => ({ ...s, incident: next, range: null }));
    },
    [list, selection.incident],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        onHome();
        return;
      }
      if (typing) return;
      if (e.key === '/') {
        e.preventDefault();
        filterInput.current?.focus();
        filterInput.current?.select();
      } else if (e.key === 'j' || e.key === 'ArrowDown') {
        if (t.closest('.ag-root-wrapper') && e.key === 'ArrowDown') return; // let grids scroll
        e.preventDefault();
        move(1);
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        if (t.closest('.ag-root-wrapper') && e.key === 'ArrowUp') return;
        e.preventDefault();
        move(-1);
      } else if (e.key === 'Escape') {
        if (menu) setMenu(null);
        else if (host) setHost(null);
        else setSelection((s) => ({ ...s, incident: null, range: null }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, menu, host, onHome]);

  return (
    <WorkspaceContext.Provider value={actions}>
      <div className="workspace">
        <header className="top-bar">
          <button type="button" className="brand" onClick={onHome} title="Home (Ctrl+O)">
            netsift
          </button>
          <span className="case-name" title={info.path}>
            {info.name}
          </span>
          <span className="muted">
            {fmtCount(info.flows)} flows · {fmtTs(info.firstTs, false)} → {fmtTs(info.lastTs, false)}
          </span>
          <ZoneBadge zones={info.zones} />
          <FilterBar ref={filterInput} value={selection.filter} history={history} onApply={setFilter} />
          <button type="button" onClick={() => setFeeds(true)}>
            Feeds
          </button>
          <button type="button" onClick={() => setCaseDialog('site')} title="The case's internal networks">
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
          <CloseCaseButton onClosed={onHome} />
        </header>
        <div className="columns">
          <div className="col left">
            <IncidentsGrid incidents={incidents} />
            <AlertsGrid />
          </div>
          <div className="col middle">
            <TimelineChart incidents={list ?? []} />
            <FlowsGrid />
          </div>
          <div className="col right">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={side === 'graph'} onClick={() => setSide('graph')}>
                Graph
              </button>
              <button type="button" role="tab" aria-selected={side === 'charts'} onClick={() => setSide('charts')}>
                Charts
              </button>
              <button type="button" role="tab" aria-selected={side === 'triage'} onClick={() => setSide('triage')}>
                Triage
              </button>
            </div>
            {side === 'graph' ? <IncidentGraph /> : side === 'charts' ? <ChartsPanel /> : <TriagePanel onRulesChanged={incidents.reload} />}
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
        {feeds && <FeedsPanel onClose={() => setFeeds(false)} />}
        {caseDialog === 'rules' && <RulesPanel onClose={() => setCaseDialog(null)} onChanged={incidents.reload} />}
        {caseDialog === 'export' && <ExportDialog incident={selection.incident} onClose={() => setCaseDialog(null)} />}
        {caseDialog === 'site' && <SiteDialog onClose={() => setCaseDialog(null)} onChanged={() => location.reload()} />}
        {caseDialog === 'save-as' && <SaveAsDialog info={info} onClose={() => setCaseDialog(null)} onSaved={() => location.reload()} />}
      </div>
    </WorkspaceContext.Provider>
  );
}
