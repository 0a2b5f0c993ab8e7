import { Resvg } from '@resvg/resvg-js';
import type { LatencySeries } from './benchmarkResult';

/**
 * One PNG of every latency distribution of a run: one panel per benchmark, each series a line of
 * latency (ms, log scale) against the percentile, with the tail stretched out (x is 1 / (1 - q), on a
 * log axis, so p50, p90, p99 and p99.9 are evenly spaced). Vega-Lite describes the chart, Vega renders
 * it to SVG headless, resvg turns the SVG into a PNG. The maximum (q = 1) is left out: it has no place
 * on that axis, and the JSON keeps it.
 */
export async function renderLatencyChart(series: readonly LatencySeries[], title: string): Promise<Buffer | undefined> {
  const values = series.flatMap((s) =>
    s.points.filter((p) => p.quantile >= 0.01 && p.quantile < 1 && Number.isFinite(p.ms) && p.ms > 0).map((p) => ({ benchmark: s.benchmark, series: s.label, tail: 1 / (1 - p.quantile), ms: p.ms })),
  );
  if (values.length === 0) return undefined;
  // Both packages are ES modules only; Node 20.19+ loads them from this CommonJS module.
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, fontSize: 14 },
    data: { values },
    facet: { row: { field: 'benchmark', type: 'nominal', title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    spec: {
      width: 640,
      height: 220,
      mark: { type: 'line', strokeWidth: 2, interpolate: 'monotone' },
      encoding: {
        x: {
          field: 'tail',
          type: 'quantitative',
          scale: { type: 'log', domain: [1, 1000] },
          axis: {
            title: 'percentile',
            values: [1.0101, 2, 10, 100, 1000],
            labelExpr: "datum.value < 1.5 ? 'p1' : datum.value < 3 ? 'p50' : datum.value < 30 ? 'p90' : datum.value < 300 ? 'p99' : 'p99.9'",
          },
        },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'latency (ms, log)' } },
        color: { field: 'series', type: 'nominal', legend: { title: null, orient: 'bottom', columns: 1, labelLimit: 600 } },
      },
    },
    resolve: { scale: { color: 'independent', y: 'independent' }, legend: { color: 'independent' } },
    config: { font: 'DejaVu Sans', background: 'white' },
  };
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return Buffer.from(png);
}
