// Top talkers, top countries or AS, destination ports and the pair-feature scatter for the current
// selection; a click on a bar or point drills to the flows behind it (a chip in the flows grid;
// × goes back), on a country or AS bar adds it to the filter.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PairFeature } from '../../../../shared/query';
import { PAIR_FEATURES } from '../../../../shared/query';
import { api } from '../../api/client';
import { EChart, type ECharts, type EChartsOption } from '../../components/echart';
import { usePalette } from '../../components/palette';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync, type AsyncState } from '../../components/use-async';
import { escapeHtml } from '../../util/escape-html';
import { fmtBytes, fmtCount, fmtPort } from '../../util/format';
import { countryName } from '../context/geo-text';
import '../context/context.css';
import { requestTag } from '../../util/request-tag';
import { drills, flowQuery, queryKey, useWorkspace } from '../workspace/selection';

const TAGS = {
  talkers: requestTag('talkers'),
  geo: requestTag('geo'),
  ports: requestTag('ports'),
  scatter: requestTag('scatter'),
};

/** At most n characters, with an ellipsis when cut (the tooltip has the whole name). */
const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function ChartBox<T>({
  title,
  state,
  empty,
  option,
  onReady,
  label,
}: {
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
  const [answered, setAnswered] = useState<Record<string, string>>({});
  const mark =
    (name: string) =>
    <T,>(v: T) => {
      setAnswered((a) => ({ ...a, [name]: key }));
      return v;
    };
  const pal = usePalette();
  // each chart's newer request cancels its older one in the engine (see Supersedable).
  // Asked for in this order: talkers and ports, the two the analyst reads first, then the
  // scatter (the longest, on a query lane of its own in the engine), then countries (the engine
  // answers the quick charts one at a time, and the page has six connections to the server)
  const talkers = useAsync(
    () =>
      api
        .topTalkers({ ...q, by: 'bytes', limit: 12, supersede: TAGS.talkers })
        .then(mark('talkers')),
    [key],
  );
  const ports = useAsync(
    () => api.dstPorts({ ...q, by: 'flows', limit: 12, supersede: TAGS.ports }).then(mark('ports')),
    [key],
  );
  const scatter = useAsync(
    () =>
      api
        .pairScatter({ ...q, feature, windowSeconds: 10, limit: 2000, supersede: TAGS.scatter })
        .then(mark('scatter')),
    [key, feature],
  );
  const [geoBy, setGeoBy] = useState<'country' | 'asn'>('country');
  const geo = useAsync(
    () => api.topGeo({ ...q, by: geoBy, limit: 12, supersede: TAGS.geo }).then(mark('geo')),
    [key, geoBy],
  );
  // the tab closed: what it still asked for is stopped in the engine
  useEffect(() => () => void api.cancelQueries(Object.values(TAGS)).catch(() => undefined), []);

  // every chart has its answer for this selection (a bench and test marker)
  const ready = ['talkers', 'geo', 'ports', 'scatter'].every((n) => answered[n] === key);
  const talkerOption = useMemo<EChartsOption>(() => {
    const rows = [...(talkers.value ?? [])].reverse();
    return {
      animation: false,
      grid: { left: 110, right: 16, top: 6, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'value',
        splitNumber: 2,
        axisLabel: { fontSize: 10, formatter: (v: number) => fmtBytes(v) },
        splitLine: { lineStyle: { color: pal.line } },
      },
      yAxis: { type: 'category', data: rows.map((r) => r.ip), axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => ({
            value: r.bytes,
            itemStyle: { color: r.kind === 'internal' ? pal.internal : pal.external },
          })),
          tooltip: { valueFormatter: (v) => fmtBytes(Number(v)) },
        },
      ],
    };
  }, [talkers.value, pal]);

  // countries by code, AS by number and organisation; the tooltip names the country
  const geoRows = useMemo(() => [...(geo.value ?? [])].reverse(), [geo.value]);
  const geoOption = useMemo<EChartsOption>(
    () => ({
      animation: false,
      grid: { left: geoBy === 'asn' ? 150 : 48, right: 16, top: 6, bottom: 20 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (p: unknown) => {
          const { dataIndex } = (p as { dataIndex: number }[])[0];
          const r = geoRows[dataIndex];
          if (!r) return '';
          const what =
            geoBy === 'asn'
              ? `AS${escapeHtml(r.key)} ${escapeHtml(r.label ?? '')}`
              : `${escapeHtml(r.key)} ${escapeHtml(countryName(r.key))}`;
          return `${what}<br/>${escapeHtml(fmtBytes(r.bytes))} · ${escapeHtml(fmtCount(r.flows))} flows · ${escapeHtml(fmtCount(r.hosts))} addresses`;
        },
      },
      xAxis: {
        type: 'value',
        splitNumber: 2,
        // the AS names leave the bars little room: labels that would overlap are left out
        axisLabel: { fontSize: 10, hideOverlap: true, formatter: (v: number) => fmtBytes(v) },
        splitLine: { lineStyle: { color: pal.line } },
      },
      yAxis: {
        type: 'category',
        data: geoRows.map((r) =>
          geoBy === 'asn' ? `AS${r.key} ${short(r.label ?? '', 15)}` : r.key,
        ),
        axisLabel: { fontSize: 10 },
      },
      series: [
        {
          type: 'bar',
          data: geoRows.map((r) => r.bytes),
          itemStyle: { color: pal.external },
        },
      ],
    }),
    [geoRows, geoBy, pal],
  );
  const geoRef = useRef({ rows: geoRows, by: geoBy });
  geoRef.current = { rows: geoRows, by: geoBy };

  const portOption = useMemo<EChartsOption>(() => {
    const rows = [...(ports.value ?? [])].reverse();
    return {
      animation: false,
      grid: { left: 110, right: 16, top: 6, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'value',
        splitNumber: 3,
        axisLabel: {
          fontSize: 10,
          formatter: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)),
        },
        splitLine: { lineStyle: { color: pal.line } },
      },
      yAxis: {
        type: 'category',
        data: rows.map((r) => `${r.proto} ${fmtPort(r.port, r.proto)}`),
        axisLabel: { fontSize: 10 },
      },
      series: [
        {
          type: 'bar',
          // the bar carries its port, so a click drills to exactly its flows
          data: rows.map((r) => ({ value: r.flows, port: r.port, proto: r.proto })),
          itemStyle: { color: pal.ports },
          tooltip: { valueFormatter: (v) => `${fmtCount(Number(v))} flows` },
        },
      ],
    };
  }, [ports.value, pal]);

  // the points of each scatter series, in series order: the tooltip and a click find a point's
  // pair by its index (echarts' large mode keeps only the coordinates of its data items)
  const scatterPoints = useMemo(() => {
    const points = scatter.value?.points ?? [];
    return [points.filter((p) => !p.outlier), points.filter((p) => p.outlier)];
  }, [scatter.value]);
  const scatterRef = useRef(scatterPoints);
  scatterRef.current = scatterPoints;
  const scatterOption = useMemo<EChartsOption>(() => {
    const s = scatter.value;
    const [normal, out] = scatterPoints;
    const toPoint = (p: { window: string; value: number }) => [Date.parse(p.window), p.value];
    return {
      animation: false,
      grid: { left: 48, right: 16, top: 10, bottom: 24 },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const { seriesIndex, dataIndex, value } = p as {
            seriesIndex: number;
            dataIndex: number;
            value: [number, number];
          };
          const pt = scatterPoints[seriesIndex]?.[dataIndex];
          return pt
            ? `${escapeHtml(pt.src)} → ${escapeHtml(pt.dst)}<br/>${escapeHtml(feature)} ${escapeHtml(pt.value)}`
            : `fence ${escapeHtml(value[1])}`;
        },
      },
      xAxis: { type: 'time', axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: {
        type: 'log',
        logBase: 10,
        // below 1: the many points at 1 (one port, one connection) sit above the axis line, whole
        // and hoverable, not half clipped by the grid's edge (where only a 1 px band took hover)
        min: 0.7,
        // a power of ten, at least 10 (all points at 1 would otherwise make 1 the top edge)
        max: (e: { max: number }) => 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(e.max, 1)))),
        axisLabel: { fontSize: 10, showMinLabel: false },
        splitLine: { lineStyle: { color: pal.line } },
      },
      series: [
        {
          name: 'pairs',
          type: 'scatter',
          symbolSize: 3,
          large: true,
          itemStyle: { color: pal.accent, opacity: 0.6 },
          data: normal.map(toPoint),
        },
        {
          name: 'outliers',
          type: 'scatter',
          symbolSize: 6,
          // a brushed range at 10M flows has thousands: drawn as one path, not an element each
          // (setting them up took ~60 ms of the page's one thread per brush)
          large: true,
          largeThreshold: 500,
          itemStyle: { color: pal.bad },
          data: out.map(toPoint),
        },
        {
          name: 'fence',
          type: 'line',
          step: 'end',
          // under the points and deaf to the mouse: where the fence runs through points (a scan's
          // pairs at 1, the fence at 1) it took their hover, and a line has no pair to show
          silent: true,
          z: 1,
          showSymbol: false,
          lineStyle: { color: pal.warn, type: 'dashed', width: 1 },
          data: (s?.fences ?? []).map((f) => [Date.parse(f.window), Math.max(1, f.upper)]),
        },
      ],
    };
  }, [scatter.value, scatterPoints, feature, pal]);

  return (
    <section
      className="pane charts-pane"
      aria-label="Charts"
      data-ready-key={ready ? key : ''}
      data-talkers-key={answered.talkers ?? ''}
      data-geo-key={answered.geo ?? ''}
      data-ports-key={answered.ports ?? ''}
    >
      <ChartBox
        title="Top talkers (bytes)"
        state={talkers}
        empty={!talkers.value?.length}
        option={talkerOption}
        label="Top talkers"
        onReady={(c) =>
          c.on('click', (e) => {
            const ip = String((e as { name?: string }).name ?? '');
            if (ip) actions.current.setDrill(drills.host(ip));
          })
        }
      />
      <div className="chart-box" data-testid="geo-chart" data-by={geoBy}>
        <h3>
          Top{' '}
          <select
            value={geoBy}
            onChange={(e) => setGeoBy(e.target.value as 'country' | 'asn')}
            aria-label="Top countries or AS"
          >
            <option value="country">countries</option>
            <option value="asn">AS</option>
          </select>{' '}
          (bytes, either side)
        </h3>
        {geo.loading && !geo.value && <Loading what="countries" />}
        {geo.error && <ErrorBox error={geo.error} retry={geo.reload} />}
        {/* an answer, not a pane state: private-only traffic has no country or AS */}
        {!geo.error && geo.value && !geo.value.length && (
          <p className="muted chart-note">
            No public address with a known {geoBy === 'asn' ? 'AS' : 'country'} in these flows.
          </p>
        )}
        <div
          className="chart-host"
          style={{ display: geo.error || !geo.value?.length ? 'none' : undefined }}
        >
          <EChart
            option={geoOption}
            label={geoBy === 'asn' ? 'Top AS' : 'Top countries'}
            onReady={(c) =>
              c.on('click', (e) => {
                const { rows, by } = geoRef.current;
                const r = rows[(e as { dataIndex: number }).dataIndex];
                if (r) actions.current.addClause(by === 'asn' ? `as ${r.key}` : `country ${r.key}`);
              })
            }
          />
        </div>
      </div>
      <ChartBox
        title="Destination ports (flows)"
        state={ports}
        empty={!ports.value?.length}
        option={portOption}
        label="Destination ports"
        onReady={(c) =>
          c.on('click', (e) => {
            const d = (e as { data?: { port?: number | null; proto?: string } }).data;
            if (d?.proto && d.port != null) actions.current.setDrill(drills.port(d.proto, d.port));
          })
        }
      />
      <div className="chart-box">
        <h3>
          Pair feature per window{' '}
          <select
            value={feature}
            onChange={(e) => setFeature(e.target.value as PairFeature)}
            aria-label="Pair feature"
          >
            {PAIR_FEATURES.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
          <span className="muted"> dashed: fence Q3+3·IQR</span>
        </h3>
        {scatter.loading && !scatter.value && <Loading what="scatter" />}
        {scatter.error && <ErrorBox error={scatter.error} retry={scatter.reload} />}
        {!scatter.error && scatter.value && !scatter.value.points.length && (
          <Empty>No pairs in this selection.</Empty>
        )}
        <div
          className="chart-host"
          style={{ display: scatter.error || !scatter.value?.points.length ? 'none' : undefined }}
        >
          <EChart
            option={scatterOption}
            label="Pair feature scatter"
            onReady={(c) =>
              c.on('click', (e) => {
                const { seriesIndex, dataIndex } = e as { seriesIndex?: number; dataIndex: number };
                const pt = scatterRef.current[seriesIndex ?? -1]?.[dataIndex];
                if (!pt) return;
                // the point is one pair in one window: its flows are that pair in that window
                const t = Date.parse(pt.window);
                const from = new Date(t).toISOString();
                const to = new Date(t + 10_000).toISOString();
                actions.current.setDrill(drills.pairWindow(pt.src, pt.dst, from, to));
              })
            }
          />
        </div>
      </div>
    </section>
  );
}
