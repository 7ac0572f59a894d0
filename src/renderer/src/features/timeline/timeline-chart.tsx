// Flows and bytes over time for the whole case (under the filter), with incident marks, the
// selected incident's span highlighted and the selected alert's window framed, brush to narrow
// the grids, wheel or slider to zoom.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Incident } from '../../../../shared/model';
import { api } from '../../api/client';
import { EChart, type ECharts, type EChartsOption } from '../../components/echart';
import { usePalette } from '../../components/palette';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtBytes, fmtCount, fmtDuration } from '../../util/format';
import { requestTag } from '../../util/request-tag';
import { useLive } from '../follow/live';
import { afterFlowsRows } from '../workspace/flows-first';
import { useWorkspace } from '../workspace/selection';

export function TimelineChart({ incidents }: { incidents: Incident[] }) {
  const w = useWorkspace();
  const filter = w.selection.filter.trim();
  const [ms, setMs] = useState<number | null>(null);
  // following: new flows extend the timeline (the zoom the analyst chose is kept, see afterOption)
  const { flowsRev } = useLive();
  const tl = useAsync(() => {
    const t0 = performance.now();
    return api
      .timeline({
        filter: filter || undefined,
        maxBuckets: 2000,
        supersede: requestTag('timeline'),
      })
      .then((v) => {
        setMs(Math.round(performance.now() - t0));
        document.body.dataset.timelineReady = String(Date.now());
        return v;
      });
  }, [filter, flowsRev]);
  /** The analyst's zoom as times (null: the whole span), put back when new data redraws the chart. */
  const zoom = useRef<{ from: number; to: number } | null>(null);
  const actions = useRef(w);
  actions.current = w;
  const sel = w.selection.incident;
  const alert = w.selection.alert;
  const range = w.selection.range;
  const pal = usePalette();

  // the data option is rebuilt only when the data changes; selection overlays are merged in
  // afterwards, so selecting an incident does not redraw 2,000 buckets from scratch
  const option = useMemo<EChartsOption>(() => {
    const b = tl.value?.buckets ?? [];
    return {
      animation: false,
      grid: { left: 56, right: 64, top: 22, bottom: 44 },
      tooltip: { trigger: 'axis' },
      toolbox: { show: false },
      brush: {
        xAxisIndex: 0,
        brushType: 'lineX',
        brushMode: 'single',
        throttleType: 'debounce',
        throttleDelay: 200,
      },
      xAxis: { type: 'time', axisLabel: { fontSize: 10 } },
      yAxis: [
        {
          type: 'value',
          name: 'flows',
          nameTextStyle: { fontSize: 10, color: pal.accent },
          axisLabel: { fontSize: 10 },
          splitLine: { lineStyle: { color: pal.line } },
        },
        {
          type: 'value',
          name: 'bytes',
          nameTextStyle: { fontSize: 10, color: pal.bytes },
          axisLabel: { fontSize: 10, formatter: (v: number) => fmtBytes(v) },
          splitLine: { show: false },
        },
      ],
      dataZoom: [
        {
          type: 'inside',
          xAxisIndex: 0,
          zoomOnMouseWheel: true,
          moveOnMouseMove: false,
          moveOnMouseWheel: false,
        },
        { type: 'slider', xAxisIndex: 0, height: 14, bottom: 4 },
      ],
      series: [
        {
          id: 'flows',
          name: 'flows',
          type: 'bar',
          barCategoryGap: 0,
          large: true,
          itemStyle: { color: pal.accent },
          tooltip: { valueFormatter: (v) => fmtCount(Number(v)) },
          data: b.map((x) => [Date.parse(x.t), x.flows]),
        },
        {
          id: 'bytes',
          name: 'bytes',
          type: 'line',
          yAxisIndex: 1,
          showSymbol: false,
          lineStyle: { width: 1, color: pal.bytes },
          itemStyle: { color: pal.bytes },
          tooltip: { valueFormatter: (v) => fmtBytes(Number(v)) },
          data: b.map((x) => [Date.parse(x.t), x.bytes]),
        },
        // the incident marks and the selected span live on a series of their own, on a layer
        // (zlevel) of their own: changing them redraws neither the 2,000 bars nor the line
        {
          id: 'marks',
          name: 'marks',
          type: 'line',
          data: [],
          silent: true,
          zlevel: 1,
          tooltip: { show: false },
        },
      ],
    };
  }, [tl.value, pal]);

  const bucketMs = (tl.value?.bucketSeconds ?? 1) * 1000;
  const overlays = useMemo<EChartsOption>(() => {
    const marks = incidents.slice(0, 30).map((i) => ({
      xAxis: Date.parse(i.first_seen),
      name: `#${i.id} ${i.type}`,
      lineStyle: {
        color: i.id === sel?.id ? pal.warn : pal.bad,
        opacity: i.id === sel?.id ? 1 : 0.45,
        width: i.id === sel?.id ? 2 : 1,
      },
      label: { show: i.id === sel?.id && !alert, formatter: `#${i.id} ${i.type}`, color: pal.warn },
    }));
    const areas: [{ xAxis: number; itemStyle?: object; label?: object }, { xAxis: number }][] = [];
    if (sel)
      areas.push([
        // a frame as well as a tint: at millions of flows the bars fill the chart, and a tint
        // alone disappears into them
        {
          xAxis: Date.parse(sel.first_seen),
          itemStyle: {
            color: 'rgba(255,179,71,0.22)',
            borderColor: 'rgba(255,179,71,0.95)',
            borderWidth: 1,
          },
        },
        { xAxis: Math.max(Date.parse(sel.last_seen), Date.parse(sel.first_seen) + bucketMs) },
      ]);
    if (alert)
      // the alert's own window, framed within its incident's span (at least one bucket wide, or
      // a ten-second window would not show on a timeline of days)
      areas.push([
        {
          xAxis: Date.parse(alert.window_start),
          itemStyle: { color: pal.alert, opacity: 0.28, borderColor: pal.alert, borderWidth: 2 },
          label: {
            show: true,
            position: 'insideTop',
            formatter: `alert #${alert.id}`,
            color: pal.alert,
            fontSize: 10,
          },
        },
        {
          xAxis: Math.max(Date.parse(alert.window_end), Date.parse(alert.window_start) + bucketMs),
        },
      ]);
    if (range)
      areas.push([
        {
          xAxis: Date.parse(range.from),
          itemStyle: { color: pal.rangeFill, borderColor: pal.range, borderWidth: 1 },
        },
        { xAxis: Date.parse(range.to) },
      ]);
    return {
      series: [
        {
          id: 'marks',
          markLine: { symbol: 'none', silent: true, data: marks, label: { fontSize: 10 } },
          // above the bars (z 2; markArea defaults to 1, under them), below the marks' lines (z 5)
          markArea: { silent: true, z: 4, data: areas },
        },
      ],
    };
  }, [incidents, sel, alert, range, bucketMs, pal]);
  const chartRef = useRef<ECharts | null>(null);
  const overlaysRef = useRef(overlays);
  overlaysRef.current = overlays;
  // redrawing 2,000 buckets for the marks takes ~90 ms of the one renderer thread: after the
  // flows grid has its first rows (see flows-first.ts)
  useEffect(() => {
    let live = true;
    void afterFlowsRows().then(() => live && chartRef.current?.setOption(overlays));
    return () => {
      live = false;
    };
  }, [overlays]);

  // dragging on the chart brushes a time range (no toolbox click needed)
  const arm = (c: ECharts) =>
    c.dispatchAction({
      type: 'takeGlobalCursor',
      key: 'brush',
      brushOption: { brushType: 'lineX', brushMode: 'single' },
    });
  // after the data option is (re)set: put the overlays back and re-arm the brush
  const afterOption = (c: ECharts) => {
    c.setOption(overlaysRef.current);
    if (zoom.current)
      c.dispatchAction({
        type: 'dataZoom',
        startValue: zoom.current.from,
        endValue: zoom.current.to,
      });
    arm(c);
  };
  const onReady = (c: ECharts) => {
    chartRef.current = c;
    c.on('datazoom', () => {
      const dz = (
        c.getOption().dataZoom as
          { start?: number; end?: number; startValue?: number; endValue?: number }[] | undefined
      )?.[0];
      if (!dz) return;
      const whole = (dz.start ?? 0) <= 0 && (dz.end ?? 100) >= 100;
      zoom.current =
        whole || dz.startValue == null || dz.endValue == null
          ? null
          : { from: Number(dz.startValue), to: Number(dz.endValue) };
    });
    c.on('brushEnd', (e: unknown) => {
      const areas = (e as { areas?: { coordRange?: [number, number] }[] }).areas ?? [];
      const r = areas[0]?.coordRange;
      if (!r) return;
      const [a, z] = r[0] <= r[1] ? r : [r[1], r[0]];
      if (z - a < 1) return;
      actions.current.setRange({ from: new Date(a).toISOString(), to: new Date(z).toISOString() });
      c.dispatchAction({ type: 'brush', areas: [] });
      arm(c);
    });
    (window as unknown as { __timeline?: ECharts }).__timeline = c;
  };

  let body;
  if (tl.loading && !tl.value) body = <Loading what="timeline" />;
  else if (tl.error) body = <ErrorBox error={tl.error} retry={tl.reload} />;
  else if (!tl.value?.buckets.length) body = <Empty>No flows to draw.</Empty>;
  else body = null;
  return (
    <section
      className="pane timeline-pane"
      aria-label="Timeline"
      data-testid="timeline"
      data-alert-frame={alert ? `${alert.window_start}/${alert.window_end}` : ''}
    >
      <header className="pane-head">
        <h2>Timeline</h2>
        {tl.value && (
          <span className="muted">
            {tl.value.buckets.length} buckets of {fmtDuration(tl.value.bucketSeconds)} · drag to
            select a range, wheel to zoom
            {ms != null ? ` · ${ms} ms` : ''}
          </span>
        )}
      </header>
      {body}
      <div
        className="chart-host"
        style={{ display: body ? 'none' : undefined }}
        data-testid="timeline-chart"
      >
        {/* made once there is data to draw: an empty chart's set-up and first draw took ~80 ms
            of the page's one thread while the incident list was drawing its first rows */}
        {!body && (
          <EChart
            option={option}
            onReady={onReady}
            onOption={afterOption}
            label="Flows and bytes over time"
          />
        )}
      </div>
    </section>
  );
}
