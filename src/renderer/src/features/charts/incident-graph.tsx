// Attacker -> victims of the selected incident. The attacker sits in the middle and the victims
// on a circle around it, each label turned outward along its spoke so no two overlap; beyond what
// the circle can label, one node says "+N more". A click on a victim pivots to that host (its
// flows in the incident, and its host panel); a click on an edge drills to that pair's flows.
import { useEffect, useMemo, useRef, useState } from 'react';
import { EChart, type EChartsOption } from '../../components/echart';
import { usePalette } from '../../components/palette';
import { Empty } from '../../components/pane-state';
import { escapeHtml } from '../../util/escape-html';
import { afterFlowsRows } from '../workspace/flows-first';
import { drills, useWorkspace } from '../workspace/selection';
import { graphLayout } from './graph-layout';

export function IncidentGraph() {
  const w = useWorkspace();
  const actions = useRef(w);
  actions.current = w;
  const pal = usePalette();
  // drawn once the flows grid has its first rows (see flows-first.ts): a new echarts graph and
  // its layout are main-thread time the grid would otherwise wait for
  const selected = w.selection.incident;
  const [inc, setInc] = useState(selected);
  useEffect(() => {
    let live = true;
    void afterFlowsRows().then(() => live && setInc(selected));
    return () => {
      live = false;
    };
  }, [selected]);
  const [box, setBox] = useState({ width: 300, height: 400 });
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => {
      if (e && e.contentRect.width > 0)
        setBox({
          width: Math.round(e.contentRect.width),
          height: Math.round(e.contentRect.height),
        });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [inc != null]);
  const layout = useMemo(
    () => (inc ? graphLayout(inc.attacker, inc.victims, box.width, box.height) : null),
    [inc, box.width, box.height],
  );
  const option = useMemo<EChartsOption>(() => {
    if (!layout) return {};
    return {
      animation: false,
      tooltip: {
        formatter: (p: unknown) => {
          const d = p as {
            dataType?: string;
            name?: string;
            data?: { source?: string; target?: string };
          };
          if (d.dataType === 'edge')
            return `${escapeHtml(d.data?.source)} → ${escapeHtml(d.data?.target)}<br/>click: its flows`;
          return escapeHtml(d.name);
        },
      },
      series: [
        {
          type: 'graph',
          layout: 'none',
          // the layout's own coordinates, in pixels of this box: no rescaling, labels stay apart
          left: 0,
          top: 0,
          width: box.width,
          height: box.height,
          silent: false,
          label: { color: pal.text, fontSize: 11 },
          labelLayout: { hideOverlap: true },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 6,
          lineStyle: { color: pal.edge, opacity: 0.6 },
          emphasis: { focus: 'adjacency', lineStyle: { width: 2 } },
          // two invisible corners pin the coordinates to the box: echarts fits the nodes' extent
          // into the view, and without them a few nodes were stretched over the whole chart
          data: [
            ...[0, 1].map((k) => ({
              name: `\u0000corner${k}`,
              x: k * box.width,
              y: k * box.height,
              symbolSize: 0,
              label: { show: false },
              tooltip: { show: false },
              silent: true,
              kind: 'corner',
            })),
            ...layout.nodes.map((n) => ({
              name: n.name,
              x: n.x,
              y: n.y,
              symbolSize: n.kind === 'center' ? 24 : n.kind === 'more' ? 18 : 12,
              itemStyle: {
                color: n.kind === 'center' ? pal.bad : n.kind === 'more' ? pal.muted : pal.accent,
              },
              label: {
                show: true,
                position: (n.kind === 'center' ? 'bottom' : n.labelSide) as
                  'bottom' | 'left' | 'right',
                rotate: n.kind === 'center' ? 0 : n.rotate,
                fontWeight: (n.kind === 'center' ? 'bold' : 'normal') as 'bold' | 'normal',
              },
              kind: n.kind,
            })),
          ],
          links: layout.edges.map((e) => ({ source: e.source, target: e.target })),
        },
      ],
    };
  }, [layout, pal, box.width, box.height]);
  if (!inc) return <Empty>Select an incident to see attacker and victims.</Empty>;
  return (
    <div
      className="graph-box"
      data-testid="incident-graph"
      // where each node is drawn (pixels of the chart box): for tests, and to find a node by name
      data-nodes={JSON.stringify(
        layout?.nodes.map((n) => ({
          name: n.name,
          x: Math.round(n.x),
          y: Math.round(n.y),
          kind: n.kind,
        })) ?? [],
      )}
    >
      <div className="muted">
        {inc.attacker ?? '?'} → {inc.victims.length} victim{inc.victims.length === 1 ? '' : 's'}
        {layout && layout.more > 0 ? ` (${layout.shown} labelled, +${layout.more} more)` : ''} ·
        click a host to pivot, an edge for its flows
      </div>
      <div className="chart-host" ref={host}>
        <EChart
          option={option}
          label="Attacker to victims"
          onReady={(c) =>
            c.on('click', (e) => {
              const ev = e as {
                dataType?: string;
                name?: string;
                data?: { source?: string; target?: string; kind?: string };
              };
              const w = actions.current;
              if (
                ev.dataType === 'edge' &&
                ev.data?.source &&
                ev.data.target &&
                !ev.data.target.startsWith('+')
              ) {
                w.setDrill(drills.pair(ev.data.source, ev.data.target));
              } else if (ev.dataType === 'node' && ev.name && ev.data?.kind === 'victim') {
                w.setDrill(drills.host(ev.name));
                w.showHost(ev.name);
              } else if (
                ev.dataType === 'node' &&
                ev.name &&
                ev.data?.kind === 'center' &&
                ev.name !== '(unknown)'
              ) {
                w.showHost(ev.name);
              }
            })
          }
        />
      </div>
    </div>
  );
}
