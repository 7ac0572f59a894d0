// A thin echarts host: one instance per element and theme, resized with its box, options replaced
// whole. A theme change makes a new instance (echarts themes apply at init); onReady runs for each.
// echarts/core with only the parts the workspace uses (echarts-parts.ts), in a script of its own
// loaded when the first chart mounts: the charts mount after the incident list has drawn, and the
// page no longer evaluates echarts before that first paint (issue 16). The option type is the
// whole library's, a type-only import that costs nothing at run time.
import type { EChartsOption } from 'echarts';
import type { EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useTheme } from './theme';

export type { EChartsOption };
export type ECharts = EChartsType;

let parts: Promise<typeof import('./echarts-parts')> | null = null;
const loadParts = () => (parts ??= import('./echarts-parts'));

export function EChart({
  option,
  onReady,
  onOption,
  className,
  label,
}: {
  option: EChartsOption;
  onReady?: (chart: ECharts) => void;
  /** After each option change (setOption with notMerge resets interaction state such as the brush cursor). */
  onOption?: (chart: ECharts) => void;
  className?: string;
  label: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const theme = useTheme();
  const latest = useRef(option);
  latest.current = option;
  // the charts' script did not load (a damaged install): said in the chart's place
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let done = () => {};
    void loadParts().then(
      ({ init }) => {
        const box = el.current;
        if (!live || !box) return;
        const c = init(box, theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
        chart.current = c;
        // a box of no size (hidden, being removed) leaves echarts' graph layout without a transform
        // and it throws: keep the last size until the box has one again
        const ro = new ResizeObserver(([e]) => {
          if (e && e.contentRect.width > 0 && e.contentRect.height > 0) c.resize();
        });
        ro.observe(box);
        onReady?.(c);
        // the latest option: it may have changed while echarts was loading
        c.setOption({ backgroundColor: 'transparent', ...latest.current }, { notMerge: true });
        onOption?.(c);
        done = () => {
          ro.disconnect();
          c.dispose();
          chart.current = null;
        };
      },
      (e: unknown) => {
        parts = null; // the next chart to mount tries again
        console.error('[ECharts] the charts script did not load', e);
        if (live) setFailed(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
      done();
    };
  }, [theme]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false; // drawn by the init above (with the latest option)
      return;
    }
    const c = chart.current;
    if (!c) return;
    c.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
    onOption?.(c);
  }, [option]);
  return (
    <div ref={el} className={className ?? 'chart'} aria-label={label} role="img" data-theme={theme}>
      {failed && <div className="pane-state error">Charts could not load: {failed}</div>}
    </div>
  );
}
