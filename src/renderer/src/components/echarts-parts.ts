// The echarts parts the workspace draws with, registered once. `import * as echarts from 'echarts'`
// put every chart type and component in the page's script, and evaluating it held up the first
// paint of the incidents (issue 16). A part an option uses must be listed here: a production build
// of echarts drops an unregistered series, component or marker without a word, so every option is
// checked on its way in and what is missing is reported on the console (the e2e specs fail on it).
import { BarChart, GraphChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { ComponentModel, registerPreprocessor, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// The timeline: bar + line on a time axis, tooltip, brush (armed with takeGlobalCursor, no toolbox
// shown), dataZoom inside + slider, markLine/markArea overlays. The Charts tab: bars, a scatter on
// a log axis with a line. The incident graph: graph with tooltip. Axes come with GridComponent,
// axis pointers with TooltipComponent, label layout (hideOverlap) with echarts/core.
use([
  BarChart,
  LineChart,
  ScatterChart,
  GraphChart,
  GridComponent,
  TooltipComponent,
  BrushComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

// top-level option keys holding objects that are settings, not components
const NOT_COMPONENTS = new Set([
  'backgroundColor',
  'color',
  'textStyle',
  'media',
  'baseOption',
  'options',
  'stateAnimation',
]);
const MARKERS = ['markLine', 'markArea', 'markPoint'] as const;
// ComponentModel's class registry (echarts' own lookup in setOption); its types declare only hasClass
const registry = ComponentModel as unknown as {
  hasClass(mainType: string): boolean;
  getClass(mainType: string, subType?: string): unknown;
};

/**
 * The parts an option uses that are not registered ("series pie", "legend", "dataZoom slider",
 * "markPoint"). A component switched off (`show: false`) needs nothing.
 */
export function unregisteredParts(option: object): string[] {
  const missing = new Set<string>();
  for (const [key, value] of Object.entries(option)) {
    if (value == null || typeof value !== 'object' || NOT_COMPONENTS.has(key)) continue;
    for (const item of (Array.isArray(value) ? value : [value]) as unknown[]) {
      if (item == null || typeof item !== 'object') continue;
      const { type, show } = item as { type?: unknown; show?: unknown };
      if (show === false && key !== 'series') continue;
      if (!registry.hasClass(key)) missing.add(key);
      else if (typeof type === 'string' && !registry.getClass(key, type))
        missing.add(`${key} ${type}`);
      if (key !== 'series') continue;
      for (const m of MARKERS)
        if ((item as Record<string, unknown>)[m] && !registry.hasClass(m)) missing.add(m);
    }
  }
  return [...missing];
}

// every setOption of every chart passes here, also those that bypass <EChart> (the timeline's
// overlays); a production build of echarts would otherwise drop the part silently
registerPreprocessor((option) => {
  const missing = unregisteredParts(option);
  if (missing.length)
    console.error(
      `[ECharts] not registered in src/renderer/src/components/echarts-parts.ts: ${missing.join(', ')}`,
    );
});

export { init } from 'echarts/core';
