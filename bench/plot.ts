// A dependency-free SVG plot of a soak (docs/soak.svg): answered queries per
// second and p99 latency on top, RSS and heap below, against seconds.

import type { SoakReport } from '../test/support/soak.js';

const W = 800, H = 240, PAD = 50;

interface Series { readonly name: string; readonly color: string; readonly values: readonly number[] }

function panel(y0: number, title: string, unit: string, series: readonly Series[], seconds: number): string {
  const all = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const max = Math.max(1, ...all) * 1.1;
  const x = (i: number): number => PAD + (i / Math.max(1, seconds - 1)) * (W - 2 * PAD);
  const y = (v: number): number => y0 + H - PAD / 2 - (v / max) * (H - PAD);
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean);
    return `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`;
  });
  const legend = series.map((s, i) => `<text x="${PAD + 10 + i * 190}" y="${y0 + 18}" fill="${s.color}" font-size="12">${s.name}</text>`);
  const ticks = [0, 0.5, 1].map((f) => `<text x="${PAD - 6}" y="${y(max * f / 1.1) + 4}" font-size="10" text-anchor="end">${(max * f / 1.1).toFixed(max > 100 ? 0 : 1)}</text>`);
  return [
    `<text x="${W / 2}" y="${y0 + 12}" font-size="13" text-anchor="middle">${title} (${unit})</text>`,
    `<line x1="${PAD}" y1="${y(0)}" x2="${W - PAD}" y2="${y(0)}" stroke="#999"/>`,
    `<line x1="${PAD}" y1="${y0 + PAD / 2}" x2="${PAD}" y2="${y(0)}" stroke="#999"/>`,
    `<text x="${W - PAD}" y="${y(0) + 14}" font-size="10" text-anchor="end">${seconds} s</text>`,
    ...ticks, ...lines, ...legend,
  ].join('\n');
}

export function soakSvg(r: SoakReport): string {
  const s = r.samples;
  const top = panel(0, `kdns soak: ${r.targetQps} qps (70% of ${r.peakQps}), fixture churn, reloads`, 'queries/s, ms', [
    { name: 'sent/s', color: '#888', values: s.map((x) => x.sent) },
    { name: 'answered/s', color: '#1f77b4', values: s.map((x) => x.answered) },
  ], s.length);
  const mid = panel(H, 'latency', 'ms', [
    { name: 'p50', color: '#2ca02c', values: s.map((x) => x.p50) },
    { name: 'p99', color: '#d62728', values: s.map((x) => x.p99) },
  ], s.length);
  const bottom = panel(2 * H, 'memory', 'MB', [
    { name: 'RSS', color: '#9467bd', values: s.map((x) => x.rssMb) },
    { name: 'heap used', color: '#ff7f0e', values: s.map((x) => x.heapMb) },
  ], s.length);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${3 * H}" font-family="sans-serif">\n`
    + `<rect width="100%" height="100%" fill="white"/>\n${top}\n${mid}\n${bottom}\n</svg>\n`;
}
