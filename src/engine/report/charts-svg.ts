// Charts for reports as inline SVG, rendered by echarts' server-side SVG renderer: the report file
// makes no network request and needs no script to show its charts.
import type * as Echarts from 'echarts';

// Loaded on first use: echarts is large, and most commands never draw a chart.
let echartsModule: Promise<typeof Echarts> | null = null;
const loadEcharts = () => (echartsModule ??= import('echarts'));

export interface TimePoint {
  t: string;
  flows: number;
}

const TEXT = '#222';
const GRID = '#ddd';

async function render(option: Echarts.EChartsCoreOption, width: number, height: number): Promise<string> {
  const echarts = await loadEcharts();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: TEXT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Flows over time, with the highlighted span shaded. */
export function timelineSvg(points: TimePoint[], highlight?: { from: string; to: string }, width = 760, height = 180): Promise<string> {
  return render(
    {
      grid: { left: 56, right: 16, top: 16, bottom: 36 },
      xAxis: { type: 'time', axisLine: { lineStyle: { color: '#888' } }, splitLine: { show: false } },
      yAxis: { type: 'value', name: 'flows', splitLine: { lineStyle: { color: GRID } } },
      series: [
        {
          type: 'bar',
          data: points.map((p) => [p.t, p.flows]),
          itemStyle: { color: '#3b6ea8' },
          barMaxWidth: 12,
          markArea: highlight
            ? { silent: true, itemStyle: { color: 'rgba(214, 69, 65, 0.15)' }, data: [[{ xAxis: highlight.from }, { xAxis: highlight.to }]] }
            : undefined,
        },
      ],
    },
    width,
    height,
  );
}

/** Horizontal bars, e.g. incidents by score or top destination ports. */
export function barsSvg(items: { label: string; value: number; color?: string }[], width = 760, rowHeight = 22): Promise<string> {
  const height = Math.max(60, items.length * rowHeight + 40);
  return render(
    {
      grid: { left: 200, right: 40, top: 10, bottom: 24 },
      xAxis: { type: 'value', splitLine: { lineStyle: { color: GRID } } },
      yAxis: { type: 'category', inverse: true, data: items.map((i) => i.label), axisLabel: { width: 190, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          data: items.map((i) => ({ value: i.value, itemStyle: { color: i.color ?? '#3b6ea8' } })),
          label: { show: true, position: 'right', fontSize: 10 },
          barMaxWidth: 14,
        },
      ],
    },
    width,
    height,
  );
}
