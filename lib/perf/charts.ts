import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { PathFigures } from './measure';

/** Renders a vega-lite spec to SVG, with no browser and no canvas (vega's headless view). */
async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Aggregate TCP throughput against the number of client/server pairs at once, a line per path and the reference. */
export function throughputVsConcurrency(results: readonly PathFigures[]): Promise<string> {
  const rows = (name: string, figures: PathFigures['figures']) =>
    Object.entries(figures).flatMap(([metric, figure]) => {
      const pairs = metric === 'tcp.bps' ? 1 : Number(metric.match(/^tcp\.pairs\.(\d+)\.bps$/)?.[1] ?? NaN);
      return Number.isNaN(pairs) ? [] : [{ path: name, pairs, mbps: figure.median / 1e6, min: figure.min / 1e6, max: figure.max / 1e6 }];
    });
  const values = [...(results.length ? rows('reference', results[0].reference) : []), ...results.flatMap((r) => rows(r.path, r.figures))];
  const x = { field: 'pairs', type: 'quantitative', title: 'client/server pairs at once', axis: { tickMinStep: 1 } } as const;
  return svgOf({
    title: 'TCP throughput vs concurrency (median, min-max)',
    data: { values },
    width: 420,
    height: 260,
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mbps', type: 'quantitative', title: 'Mbit/s (log scale: the reference is far faster)', scale: { type: 'log' } }, color: { field: 'path', type: 'nominal' } } },
      { mark: 'rule', encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color: { field: 'path', type: 'nominal' } } },
    ],
  });
}

/** The cumulative distribution of ping round trips (fine interval), a line per path and the reference. */
export function latencyCdf(results: readonly PathFigures[]): Promise<string> {
  const cdf = (path: string, samples: readonly number[]) => [...samples].sort((a, b) => a - b).map((ms, i, all) => ({ path, ms, fraction: (i + 1) / all.length }));
  const values = [...(results.length ? cdf('reference', results[0].pingRoundTrips.reference) : []), ...results.flatMap((r) => cdf(r.path, r.pingRoundTrips.path))];
  return svgOf({
    title: 'ping round trip CDF',
    data: { values },
    width: 420,
    height: 260,
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'round trip (ms)', scale: { type: 'log' } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of pings' },
      color: { field: 'path', type: 'nominal' },
    },
  });
}
