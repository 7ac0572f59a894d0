// A thin echarts host: one instance per element, resized with its box, options replaced whole.
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

export type EChartsOption = echarts.EChartsOption;
export type ECharts = echarts.ECharts;

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
  useEffect(() => {
    const c = echarts.init(el.current!, 'dark', { renderer: 'canvas' });
    chart.current = c;
    // a box of no size (hidden, being removed) leaves echarts' graph layout without a transform
    // and it throws: keep the last size until the box has one again
    const ro = new ResizeObserver(([e]) => {
      if (e && e.contentRect.width > 0 && e.contentRect.height > 0) c.resize();
    });
    ro.observe(el.current!);
    onReady?.(c);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
    onOption?.(c);
  }, [option]);
  return <div ref={el} className={className ?? 'chart'} aria-label={label} role="img" />;
}
