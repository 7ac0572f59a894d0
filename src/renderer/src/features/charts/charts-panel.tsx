// Top talkers, destination ports and the pair-feature scatter for the current selection; a click
// on a bar or point narrows the filter to it.
import { useMemo, useRef, useState } from 'react';
import type { PairFeature } from '../../../../shared/query';
import { PAIR_FEATURES } from '../../../../shared/query';
import { api } from '../../api/client';
import { EChart, type ECharts, type EChartsOption } from '../../components/echart';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync, type AsyncState } from '../../components/use-async';
import { escapeHtml } from '../../util/escape-html';
import { fmtBytes, fmtCount, fmtPort } from '../../util/format';
import { flowQuery, queryKey, useWorkspace } from '../workspace/selection';

function ChartBox<T>({ title, state, empty, option, onReady, label }: {
  title: string;
  state: AsyncState<T>;
  empty: boolean;
  option: EChartsOption;
  onReady: (c: ECharts) => void;
  label: string;
}) {
  let body = null;
  if (state.loading && !state.value) body = <Loading what={title.toLowerCase()} />;
  else if (state.error) body = <ErrorBox error={state.error} retry={state.reload} />;
  else if (empty) body = <Empty>Nothing to chart for this selection.</Empty>;
  return (
    <div className="chart-box">
      <h3>{title}</h3>
      {body}
      <div className="chart-host" style={{ display: body ? 'none' : undefined }}>
        <EChart option={option} onReady={onReady} label={label} />
      </div>
    </div>
  );
}

export function ChartsPanel() {
  const w = useWorkspace();
  const q = flowQuery(w.selection);
  const key = queryKey(q);
  const actions = useRef(w);
  actions.current = w;
  const [feature, setFeature] = useState<PairFeature>('num_dst_ports');
  const talkers = useAsync(() => api.topTalkers({ ...q, by: 'bytes', limit: 12 }), [key]);
  const ports = useAsync(() => api.dstPorts({ ...q, by: 'flows', limit: 12 }), [key]);
  const scatter = useAsync(() => api.pairScatter({ ...q, feature, windowSeconds: 10, limit: 2000 }), [key, feature]);

  const talkerOption = useMemo<EChartsOption>(() => {
    const rows = [...(talkers.value ?? [])].reverse();
    return {
      animation: false,
      grid: { left: 110, right: 16, top: 6, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', splitNumber: 2, axisLabel: { fontSize: 10, formatter: (v: number) => fmtBytes(v) }, splitLine: { lineStyle: { color: '#2a2e37' } } },
      yAxis: { type: 'category', data: rows.map((r) => r.ip), axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => ({ value: r.bytes, itemStyle: { color: r.kind === 'internal' ? '#4ea1ff' : '#e08a4e' } })),
          tooltip: { valueFormatter: (v) => fmtBytes(Number(v)) },
        },
      ],
    };
  }, [talkers.value]);

  const portOption = useMemo<EChartsOption>(() => {
    const rows = [...(ports.value ?? [])].reverse();
    return {
      animation: false,
      grid: { left: 110, right: 16, top: 6, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', splitNumber: 3, axisLabel: { fontSize: 10, formatter: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)) }, splitLine: { lineStyle: { color: '#2a2e37' } } },
      yAxis: { type: 'category', data: rows.map((r) => `${r.proto} ${fmtPort(r.port, r.proto)}`), axisLabel: { fontSize: 10 } },
      series: [{ type: 'bar', data: rows.map((r) => r.flows), itemStyle: { color: '#9b8cff' }, tooltip: { valueFormatter: (v) => `${fmtCount(Number(v))} flows` } }],
    };
  }, [ports.value]);

  const scatterOption = useMemo<EChartsOption>(() => {
    const s = scatter.value;
    const normal = (s?.points ?? []).filter((p) => !p.outlier);
    const out = (s?.points ?? []).filter((p) => p.outlier);
    const toPoint = (p: { window: string; value: number; src: string; dst: string }) => ({
      value: [Date.parse(p.window), p.value],
      src: p.src,
      dst: p.dst,
    });
    return {
      animation: false,
      grid: { left: 48, right: 16, top: 10, bottom: 24 },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const d = (p as { data: { src?: string; dst?: string; value: [number, number] } }).data;
          // the string is HTML to echarts: every value from the capture is escaped
          const v = escapeHtml(d.value[1]);
          return d.src ? `${escapeHtml(d.src)} → ${escapeHtml(d.dst)}<br/>${escapeHtml(feature)} ${v}` : `fence ${v}`;
        },
      },
      xAxis: { type: 'time', axisLabel: { fontSize: 10 } },
      yAxis: { type: 'log', logBase: 10, min: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#2a2e37' } } },
      series: [
        { name: 'pairs', type: 'scatter', symbolSize: 3, large: true, itemStyle: { color: 'rgba(78,161,255,0.6)' }, data: normal.map(toPoint) },
        { name: 'outliers', type: 'scatter', symbolSize: 6, itemStyle: { color: '#ff6363' }, data: out.map(toPoint) },
        {
          name: 'fence',
          type: 'line',
          step: 'end',
          showSymbol: false,
          lineStyle: { color: '#ffb347', type: 'dashed', width: 1 },
          data: (s?.fences ?? []).map((f) => [Date.parse(f.window), Math.max(1, f.upper)]),
        },
      ],
    };
  }, [scatter.value, feature]);

  return (
    <section className="pane charts-pane" aria-label="Charts">
      <ChartBox
        title="Top talkers (bytes)"
        state={talkers}
        empty={!talkers.value?.length}
        option={talkerOption}
        label="Top talkers"
        onReady={(c) =>
          c.on('click', (e) => {
            const ip = String((e as { name?: string }).name ?? '');
            if (ip) actions.current.addClause(`ip ${ip}`);
          })
        }
      />
      <ChartBox
        title="Destination ports (flows)"
        state={ports}
        empty={!ports.value?.length}
        option={portOption}
        label="Destination ports"
        onReady={(c) =>
          c.on('click', (e) => {
            const m = /^(\S+) (\d+)/.exec(String((e as { name?: string }).name ?? ''));
            if (m) actions.current.addClause(`proto ${m[1]} and dst port ${m[2]}`);
          })
        }
      />
      <div className="chart-box">
        <h3>
          Pair feature per window{' '}
          <select value={feature} onChange={(e) => setFeature(e.target.value as PairFeature)} aria-label="Pair feature">
            {PAIR_FEATURES.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
          <span className="muted"> dashed: fence Q3+3·IQR</span>
        </h3>
        {scatter.loading && !scatter.value && <Loading what="scatter" />}
        {scatter.error && <ErrorBox error={scatter.error} retry={scatter.reload} />}
        {!scatter.error && scatter.value && !scatter.value.points.length && <Empty>No pairs in this selection.</Empty>}
        <div className="chart-host" style={{ display: scatter.error || !scatter.value?.points.length ? 'none' : undefined }}>
          <EChart
            option={scatterOption}
            label="Pair feature scatter"
            onReady={(c) =>
              c.on('click', (e) => {
                const d = (e as { data?: { src?: string; dst?: string } }).data;
                if (d?.src) actions.current.addClause(`src ip ${d.src} and dst ip ${d.dst}`);
              })
            }
          />
        </div>
      </div>
    </section>
  );
}
