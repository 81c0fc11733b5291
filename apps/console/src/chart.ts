/**
 * The chart seam of the numbers page. `lineChart()` is the only thing the page calls.
 * uPlot draws the series over the live's duration (canvas); the table below it keeps the numbers accessible.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, fmtClock, fmtTime, timeZone } from './dom.js';

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

export interface Chart {
  el: HTMLElement;
  destroy(): void;
}

export function lineChart(t: number[], series: ChartSeries[]): Chart {
  const table = h(
    'details',
    { class: 'details' },
    h('summary', { text: 'Show the numbers per interval' }),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table small' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { text: 'Time' }),
            series.map((s) => h('th', { text: s.label })),
          ),
        ),
        h(
          'tbody',
          {},
          t.map((at, i) =>
            h(
              'tr',
              {},
              h('td', { text: fmtClock(at) }),
              series.map((s) => h('td', { text: String(s.values[i] ?? 0) })),
            ),
          ),
        ),
      ),
    ),
  );
  const plotEl = h('div', {
    class: 'uplot-host',
    role: 'img',
    'aria-label': series.map((s) => `${s.label}: highest ${Math.max(0, ...s.values)}`).join('; '),
  });
  const width = () => Math.max(280, Math.min(900, plotEl.parentElement?.clientWidth || window.innerWidth - 48));
  const plot = new uPlot(
    {
      width: width(),
      height: 220,
      tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone()),
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: t.length < 40 } }))],
      axes: [{ values: (_u: uPlot, vals: number[]) => vals.map((v) => fmtTime(v * 1000).slice(11)) }, { size: 50 }],
      legend: { show: true },
    },
    [t.map((x) => x / 1000), ...series.map((s) => s.values)],
    plotEl,
  );
  const onResize = () => plot.setSize({ width: width(), height: 220 });
  window.addEventListener('resize', onResize);
  requestAnimationFrame(onResize);
  return {
    el: h('div', { class: 'chart' }, plotEl, table),
    destroy() {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    },
  };
}
