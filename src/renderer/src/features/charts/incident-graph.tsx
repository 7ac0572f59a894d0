// Attacker -> victims of the selected incident as an echarts graph; click a node for its host panel.
import { useEffect, useMemo, useRef, useState } from 'react';
import { EChart, type EChartsOption } from '../../components/echart';
import { Empty } from '../../components/pane-state';
import { afterFlowsRows } from '../workspace/flows-first';
import { useWorkspace } from '../workspace/selection';
import { escapeHtml } from '../../util/escape-html';

const MAX_VICTIMS = 60;

export function IncidentGraph() {
  const w = useWorkspace();
  const actions = useRef(w);
  actions.current = w;
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
  const option = useMemo<EChartsOption>(() => {
    if (!inc) return {};
    const attacker = inc.attacker ?? '(unknown)';
    const victims = inc.victims.filter((v) => v !== attacker).slice(0, MAX_VICTIMS);
    const nodes = [
      { name: attacker, symbolSize: 26, itemStyle: { color: '#ff6363' }, label: { show: true } },
      ...victims.map((v) => ({ name: v, symbolSize: 14, itemStyle: { color: '#4ea1ff' }, label: { show: victims.length <= 20 } })),
    ];
    return {
      animation: false,
      // echarts puts a formatter's string into the page as HTML: addresses come from captures
      tooltip: { formatter: (p: unknown) => escapeHtml((p as { name: string }).name) },
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          force: { repulsion: 120, edgeLength: 80 },
          label: { color: '#d8dde6', fontSize: 10, position: 'right' },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 6,
          lineStyle: { color: '#888', opacity: 0.6 },
          data: nodes,
          links: victims.map((v) => ({ source: attacker, target: v })),
        },
      ],
    };
  }, [inc]);
  if (!inc) return <Empty>Select an incident to see attacker and victims.</Empty>;
  return (
    <div className="graph-box">
      <div className="muted">
        {inc.attacker ?? '?'} → {inc.victims.length} victim{inc.victims.length === 1 ? '' : 's'}
        {inc.victims.length > MAX_VICTIMS ? ` (first ${MAX_VICTIMS} drawn)` : ''}
      </div>
      <div className="chart-host">
        <EChart
          option={option}
          label="Attacker to victims"
          onReady={(c) =>
            c.on('click', (e) => {
              const name = (e as { dataType?: string; name?: string }).dataType === 'node' ? (e as { name: string }).name : null;
              if (name && name !== '(unknown)') actions.current.showHost(name);
            })
          }
        />
      </div>
    </div>
  );
}
