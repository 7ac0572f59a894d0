// A thin echarts host: one instance per element and theme, resized with its box, options replaced
// whole. A theme change makes a new instance (echarts themes apply at init); onReady runs for each.
// echarts/core with only the parts the workspace uses (echarts-parts.ts); the option type is the
// whole library's, a type-only import that costs nothing at run time.
import type { EChartsOption } from 'echarts';
import { init, type EChartsType } from 'echarts/core';
import { useEffect, useRef } from 'react';
import './echarts-parts';
import { useTheme } from './theme';

export type { EChartsOption };
export type ECharts = EChartsType;

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
  useEffect(() => {
    const c = init(el.current!, theme === 'dark' ? 'dark' : undefined, {
      renderer: 'canvas',
    });
    chart.current = c;
    // a box of no size (hidden, being removed) leaves echarts' graph layout without a transform
    // and it throws: keep the last size until the box has one again
    const ro = new ResizeObserver(([e]) => {
      if (e && e.contentRect.width > 0 && e.contentRect.height > 0) c.resize();
    });
    ro.observe(el.current!);
    onReady?.(c);
    c.setOption({ backgroundColor: 'transparent', ...latest.current }, { notMerge: true });
    onOption?.(c);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [theme]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false; // drawn by the init above
      return;
    }
    const c = chart.current;
    if (!c) return;
    c.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
    onOption?.(c);
  }, [option]);
  return (
    <div
      ref={el}
      className={className ?? 'chart'}
      aria-label={label}
      role="img"
      data-theme={theme}
    />
  );
}
