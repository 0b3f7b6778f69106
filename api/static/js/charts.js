// One small chart per numeric field: each report's interval (low–high) as a bar with its best value as a dot, the
// consensus as a band across all rows and a bar of its own. Reports in a conflict are outlined in red and marked.
// Intervals much wider than the others (a date-only time) are drawn cut at the edges with an arrow, so that the
// precise ones stay readable. Each chart has a text description for screen readers.

import { h, s, uniqueId } from "./dom.js";
import { duration, number, utcRange } from "./format.js";
import { sourceColor } from "./profile.js";

const W = 640, LEFT = 118, RIGHT = 150, ROW = 26, TOP = 10, AXIS = 34;
const X0 = LEFT, X1 = W - RIGHT;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

function epoch(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t / 1000;
}

function niceStep(span, count) {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

function ticks(lo, hi, isTime) {
  const span = hi - lo;
  const step = isTime ? (TIME_STEPS.find((t) => span / t <= 6) || 2592000) : niceStep(span, 5);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 && out.length < 12; v += step) out.push(v);
  return out;
}

function tickLabel(v, isTime, span) {
  if (!isTime) return number(v);
  const iso = new Date(v * 1000).toISOString();
  if (span > 86400) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return span < 360 ? iso.slice(11, 19) : iso.slice(11, 16);  // seconds on an axis of a few minutes or less
}

/** The plotted range: the consensus (or the narrowest interval) and every interval not far wider than it. */
export function domain(rows, consensus, isTime) {
  // times: two minutes at least, unless every interval is narrower than a minute (origin times of earthquakes,
  // to a fraction of a second): then as narrow as the narrowest, at least a second
  const narrowest = Math.min(...rows.map((r) => r.high - r.low));
  const fine = isTime && rows.every((r) => r.high - r.low < 60);
  const minWidth = isTime ? (fine ? Math.max(1, narrowest) : 120) : Math.max(Math.abs((consensus && consensus.best) || rows[0].best || 1) * 0.04, 0.5);
  const ref = consensus && consensus.low !== null ? consensus
    : rows.reduce((a, b) => (b.high - b.low < a.high - a.low ? b : a));
  const refWidth = Math.max(ref.high - ref.low, minWidth);
  let lo = ref.low, hi = ref.high;
  for (const r of rows) {
    if (r.high - r.low <= 6 * refWidth) { lo = Math.min(lo, r.low); hi = Math.max(hi, r.high); }
    if (r.best !== null && r.high - r.low <= 6 * refWidth) { lo = Math.min(lo, r.best); hi = Math.max(hi, r.best); }
  }
  let span = hi - lo;
  if (span < minWidth * 4) { const mid = (lo + hi) / 2; span = minWidth * 4; lo = mid - span / 2; hi = mid + span / 2; }
  const pad = span * 0.08;
  return [lo - pad, hi + pad];
}

function describe(r, isTime, unit) {
  const range = isTime ? utcRange(r.low, r.high) : `${number(r.low)}–${number(r.high)}${unit ? ` ${unit}` : ""}`;
  const best = isTime ? "" : `, best ${number(r.best)}`;
  return `${range}${best}`;
}

function truncate(text, n) {
  const t = String(text ?? "");
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/**
 * field: name; kind: time|quantity|count; unit; rows: [{label, source, low, high, best, raw, conflict}];
 * consensus: {low, high, best} or null; severity: "major"|"minor"|null.
 */
export function intervalChart({ field, kind, unit, rows, consensus, severity }) {
  const isTime = kind === "time";
  const data = rows.map((r) => ({ ...r, low: epoch(r.low), high: epoch(r.high), best: epoch(r.best) }))
    .filter((r) => r.low !== null && r.high !== null);
  const cons = consensus && consensus.low !== undefined && consensus.low !== null
    ? { low: epoch(consensus.low), high: epoch(consensus.high), best: epoch(consensus.best) } : null;
  if (!data.length) return null;
  const [lo, hi] = domain(data, cons, isTime);
  const x = (v) => X0 + ((v - lo) / (hi - lo)) * (X1 - X0);
  const clampX = (v) => Math.min(X1, Math.max(X0, x(v)));
  const height = TOP + (data.length + 1) * ROW + 8 + AXIS;
  const axisY = TOP + (data.length + 1) * ROW + 8;
  const titleId = uniqueId(`chart-${field}-title`);
  const descId = uniqueId(`chart-${field}-desc`);
  const unitText = isTime ? "UTC" : unit && unit !== "count" ? unit : "";
  const svg = s("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-labelledby": `${titleId} ${descId}`,
    class: "interval-chart", "data-field": field });
  const lines = data.map((r) => `${r.label}${r.conflict ? " (in conflict)" : ""}: ${describe(r, isTime, unitText)}, reported as “${r.raw}”`);
  if (cons) lines.push(`Consensus: ${describe(cons, isTime, unitText)}`);
  svg.append(s("title", { id: titleId }, `${field}: each source's interval${severity ? `; ${severity} conflict` : ""}`),
    s("desc", { id: descId }, lines.join(". ")));

  // grid and axis
  const tv = ticks(lo, hi, isTime);
  for (const v of tv) {
    svg.append(s("line", { x1: x(v), x2: x(v), y1: TOP - 4, y2: axisY, stroke: "#e1e4e8", "stroke-width": 1 }),
      s("text", { x: x(v), y: axisY + 14, "text-anchor": "middle", "font-size": 11, fill: "#57606a" },
        tickLabel(v, isTime, hi - lo)));
  }
  svg.append(s("line", { x1: X0, x2: X1, y1: axisY, y2: axisY, stroke: "#8c959f" }),
    s("text", { x: X1, y: axisY + 28, "text-anchor": "end", "font-size": 11, fill: "#57606a" },
      isTime ? `time, UTC (span ${duration(hi - lo)})` : unitText || field));

  // consensus band behind the rows
  if (cons) {
    svg.append(s("rect", { x: clampX(cons.low), y: TOP - 2, width: Math.max(2, clampX(cons.high) - clampX(cons.low)),
      height: (data.length + 1) * ROW, fill: "#0b5cad", opacity: 0.08 }));
    if (cons.best !== null) {
      svg.append(s("line", { x1: x(cons.best), x2: x(cons.best), y1: TOP - 2, y2: axisY, stroke: "#0b5cad",
        "stroke-dasharray": "4 3", "stroke-width": 1.5 }));
    }
  }

  const bar = (r, y, color, thick, label, labelColor, weight) => {
    const g = s("g", { class: r.conflict ? "row conflict" : "row", "data-source": r.source || "consensus" });
    const a = clampX(r.low), b = clampX(r.high);
    g.append(s("title", {}, `${label}: ${r.raw ?? ""}`));
    if (r.conflict) {
      g.append(s("line", { x1: a, x2: Math.max(b, a + 1), y1: y, y2: y, stroke: "#b42318", "stroke-width": thick + 6,
        "stroke-linecap": "round", opacity: 0.35 }));
    }
    g.append(s("line", { x1: a, x2: Math.max(b, a + 1), y1: y, y2: y, stroke: color, "stroke-width": thick,
      "stroke-linecap": "round" }));
    if (x(r.low) < X0) g.append(s("path", { d: `M${X0 - 2},${y} l8,-6 v12 z`, fill: color }));
    if (x(r.high) > X1) g.append(s("path", { d: `M${X1 + 2},${y} l-8,-6 v12 z`, fill: color }));
    if (r.best !== null && r.best >= lo && r.best <= hi) {
      g.append(r.source ? s("circle", { cx: x(r.best), cy: y, r: 5, fill: "#fff", stroke: color, "stroke-width": 2.5 })
        : s("path", { d: `M${x(r.best)},${y - 7} l7,7 l-7,7 l-7,-7 z`, fill: color, stroke: "#fff" }));
    }
    g.append(s("text", { x: X0 - 8, y: y + 4, "text-anchor": "end", "font-size": 12, fill: labelColor,
      "font-weight": weight }, truncate(label, 16)));
    const wide = r.high - r.low > hi - lo ? ` (${duration(r.high - r.low)})` : "";
    g.append(s("text", { x: X1 + 8, y: y + 4, "font-size": 11, fill: "#57606a" },
      truncate(r.source ? `${r.raw ?? ""}${isTime ? wide : ""}` : r.raw, 24)));
    return g;
  };

  data.forEach((r, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const color = sourceColor(r.source);
    svg.append(bar(r, y, color, 6, `${r.conflict ? "⚠ " : ""}${r.label}`, r.conflict ? "#b42318" : "#1b1f24",
      r.conflict ? 700 : 400));
  });
  if (cons) {
    const y = TOP + data.length * ROW + ROW / 2 + 4;
    const best = isTime ? new Date(cons.best * 1000).toISOString().slice(11, 19) + " UTC" : number(cons.best);
    svg.append(bar({ ...cons, raw: `best ${best}` }, y, "#0b3d91", 8, "Consensus", "#0b3d91", 700));
  }
  const caption = h("figcaption", {}, field.replace(/_/g, " "), unitText ? ` (${unitText})` : "",
    severity ? h("span", { class: `badge sev-${severity}` }, `${severity} conflict`) : null);
  return h("figure", { class: `chart${severity ? " has-conflict" : ""}`, "data-field": field }, caption, svg);
}
