import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * One measured figure beside the raw figure for the same work, measured in the same run. The
 * ratio is always "ours relative to raw" in the direction where higher is better for throughput
 * (ours / raw) and lower is better for latency (ours / raw).
 */
export interface Figure {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  ratio: number;
  better: 'lower' | 'higher';
  /** The goal, in words, and whether it was met. */
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  bench: string;
  at: string;
  machine: Record<string, string | number>;
  figures: Figure[];
  notes: string[];
}

export const figure = (f: Omit<Figure, 'ratio'>): Figure => ({ ...f, ratio: f.value / f.baseline });

export function machine(extra: Record<string, string | number> = {}): Record<string, string | number> {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, node: process.version, ...extra };
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));

export function formatFigures(result: BenchResult): string {
  const rows = result.figures.map((f) => [f.name, `${fmt(f.value)} ${f.unit}`, `${fmt(f.baseline)} ${f.unit}`, f.baselineName, `${f.ratio.toFixed(2)}×`, f.goal ? `${f.goal} ${f.met ? 'met' : 'MISSED'}` : '']);
  const headers = ['Figure', 'netfleet', 'baseline', 'baseline work (same run)', 'ratio', 'goal'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join('   ')}`.trimEnd();
  return [line(headers), '-'.repeat(line(headers).length + 2), ...rows.map(line), ''].join('\n');
}

/** bench/results/<bench>.json */
export async function writeResult(result: BenchResult): Promise<string> {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}${result.bench}.json`;
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
