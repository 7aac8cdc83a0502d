import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface FleetPoint { hosts: number; system: 'netfleet' | 'OVN'; work: string; ms: number }

/**
 * bench/results/fleet.svg: time to every host reporting against fleet size, netfleet beside
 * OVN, log–log. Drawn by vega-lite compiled to a vega view rendered headless to SVG (no browser).
 */
export async function writeFleetPlot(points: FleetPoint[]): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'One network on every host: time until all N hosts reported',
    width: 520, height: 300,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'hosts', type: 'quantitative', scale: { type: 'log' }, title: 'hosts (N)' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (median)' },
      color: { field: 'system', type: 'nominal', title: null },
      strokeDash: { field: 'work', type: 'nominal', title: null },
    },
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const file = fileURLToPath(new URL('../results/fleet.svg', import.meta.url));
  await writeFile(file, svg);
  return file;
}
