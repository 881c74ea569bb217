// Runs over time: succeeded and failed runs per hour as bars (uPlot), from the
// hourly_breakdown of GET /api/metrics/stats. Hours without runs are drawn as zero.
// Each hour is a slot of the x axis, from its start to its end; its succeeded bar sits
// left of the slot's middle and its failed bar right of it.
import uPlot from 'uplot';
import type { Range, StatsResult } from '../api.ts';
import { byId } from '../dom.ts';
import { hourScale, hourlySeries } from './hourly.ts';

const HEIGHT = 220;
const GREEN = '#1f9d55';
const RED = '#d64545';

export class RunsChart {
  private plot: uPlot | undefined;
  private readonly box = byId('chart');

  constructor() {
    // Follow the panel's width: the page must fit a 375 px phone as well as a desktop.
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(this.box);
  }

  update(stats: StatsResult, range: Range): void {
    const empty = stats.total_runs === 0;
    byId('chart-empty').hidden = !empty;
    this.box.hidden = empty;
    if (empty) return;
    const data = hourlySeries(stats, range);
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    this.plot = new uPlot(this.options(), data, this.box);
  }

  private width(): number {
    return Math.max(200, this.box.clientWidth);
  }

  private options(): uPlot.Options {
    const bars = uPlot.paths.bars;
    const barPaths = (align: -1 | 1): uPlot.Series.PathBuilder | undefined =>
      bars?.({ size: [0.42, 40], align, gap: 1 });
    return {
      width: this.width(),
      height: HEIGHT,
      scales: {
        x: { time: true, range: (_u, min, max) => hourScale(min, max) },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { stroke: '#5b6270', grid: { stroke: '#eceef2' } },
        { stroke: '#5b6270', grid: { stroke: '#eceef2' }, size: 44 },
      ],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      // Labels only: values per hour on hover would make the legend jump about.
      legend: { live: false },
      series: [
        { label: 'Hour' },
        { label: 'Succeeded', stroke: GREEN, fill: GREEN, width: 0, paths: barPaths(-1), points: { show: false } },
        { label: 'Failed', stroke: RED, fill: RED, width: 0, paths: barPaths(1), points: { show: false } },
      ],
    };
  }
}
