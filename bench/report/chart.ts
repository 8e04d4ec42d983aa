import type { Row } from "../lib/types.ts";

// One SVG, drawn from the rows with no charting library: deliveries per second and p99 latency
// against clients in the room, for us and for each peer, in both fan-out scenarios.

const W = 490;
const H = 260;
const PAD = { left: 64, right: 190, top: 28, bottom: 40 };
const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

interface Panel {
  title: string;
  rows: Row[];
  value(r: Row): number | null;
  unit: string;
}

export function chart(rows: Row[]): string {
  const fan = (s: string) => rows.filter((r) => r.scenario === s && r.median.deliveriesPerSec > 0);
  const panels: Panel[] = [
    { title: "TCP fan-out: deliveries/s", rows: fan("TCP fan-out"), value: (r) => r.median.deliveriesPerSec, unit: "/s" },
    { title: "WebSocket fan-out: deliveries/s", rows: fan("WebSocket fan-out"), value: (r) => r.median.deliveriesPerSec, unit: "/s" },
    { title: "TCP fan-out: p99 latency", rows: fan("TCP fan-out"), value: (r) => r.median.p99Ms, unit: " ms" },
    { title: "WebSocket fan-out: p99 latency", rows: fan("WebSocket fan-out"), value: (r) => r.median.p99Ms, unit: " ms" },
  ];
  const body = panels.map((p, i) => `<g transform="translate(${(i % 2) * W},${Math.floor(i / 2) * H})">${panel(p)}</g>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${2 * H}" viewBox="0 0 ${2 * W} ${2 * H}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/>${body}</svg>\n`;
}

function panel(p: Panel): string {
  const servers = [...new Set(p.rows.map((r) => r.server))];
  const points = p.rows.flatMap((r) => (r.clients && p.value(r) ? [{ server: r.server, x: r.clients, y: p.value(r)! }] : []));
  const out = [`<text x="${PAD.left}" y="16" font-weight="bold">${esc(p.title)}</text>`];
  if (points.length === 0) return out.join("");
  const [x0, x1] = logRange(points.map((q) => q.x));
  const [y0, y1] = logRange(points.map((q) => q.y));
  const px = (x: number) => PAD.left + ((Math.log10(x) - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((Math.log10(y) - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#999"/>`);
  // 1, 2 and 5 of each decade: a panel often spans less than one decade.
  for (let e = Math.floor(y0); e <= Math.ceil(y1); e++) {
    for (const y of [10 ** e, 2 * 10 ** e, 5 * 10 ** e].filter((v) => Math.log10(v) >= y0 && Math.log10(v) <= y1)) {
      out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`);
      out.push(`<text x="${PAD.left - 4}" y="${py(y) + 4}" text-anchor="end">${esc(short(y))}${esc(p.unit)}</text>`);
    }
  }
  for (const x of [...new Set(points.map((q) => q.x))]) {
    out.push(`<text x="${px(x)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 8}" text-anchor="middle">clients in the room</text>`);
  servers.forEach((server, i) => {
    const mine = points.filter((q) => q.server === server).sort((a, b) => a.x - b.x);
    const color = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${mine.map((q) => `${px(q.x)},${py(q.y)}`).join(" ")}"/>`);
    for (const q of mine) out.push(`<circle cx="${px(q.x)}" cy="${py(q.y)}" r="3" fill="${color}"><title>${esc(`${server}: ${short(q.y)}${p.unit}`)}</title></circle>`);
    out.push(`<rect x="${W - PAD.right + 8}" y="${PAD.top + i * 16}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${W - PAD.right + 22}" y="${PAD.top + i * 16 + 9}">${esc(server)}</text>`);
  });
  return out.join("");
}

/** Decades that hold every value, with a little room. */
function logRange(values: number[]): [number, number] {
  const lo = Math.log10(Math.min(...values));
  const hi = Math.log10(Math.max(...values));
  return hi - lo < 0.5 ? [lo - 0.5, hi + 0.5] : [lo - 0.15, hi + 0.15];
}

function short(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toPrecision(3)}k`;
  return `${+n.toPrecision(3)}`;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
