import { describe, expect, it } from 'vitest';
import { unregisteredParts } from './echarts-parts';

describe('unregisteredParts', () => {
  it('passes what the workspace draws with', () => {
    expect(
      unregisteredParts({
        animation: false,
        backgroundColor: 'transparent',
        grid: { left: 1 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        toolbox: { show: false },
        brush: { xAxisIndex: 0, brushType: 'lineX' },
        xAxis: { type: 'time' },
        yAxis: [{ type: 'value' }, { type: 'log' }, { type: 'category', data: [] }],
        dataZoom: [{ type: 'inside' }, { type: 'slider' }],
        series: [
          { type: 'bar', data: [] },
          { type: 'line', markLine: { data: [] }, markArea: { data: [] } },
          { type: 'scatter', data: [] },
          { type: 'graph', data: [] },
        ],
      }),
    ).toEqual([]);
  });

  it('names the series, components, sub-types and markers that are not registered', () => {
    expect(
      unregisteredParts({
        legend: {},
        toolbox: { feature: {} },
        dataZoom: [{ type: 'inside' }, { type: 'select' }],
        series: [{ type: 'pie' }, { type: 'line', markPoint: { data: [] } }],
      }).sort(),
    ).toEqual(['dataZoom select', 'legend', 'markPoint', 'series pie', 'toolbox']);
  });
});
