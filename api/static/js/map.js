// A map-like sketch (not a map): rough coastlines of the Korean Peninsula, Japan and the mainland shore, a lon/lat
// grid, the consensus launch site and landing area (with the gazetteer's radius), an arrow between them, and the
// places individual reports named where they differ from the consensus. Coordinates come from the gazetteer.

import { h, s, uniqueId } from "./dom.js";
import { place, sourceColor } from "./profile.js";

// Coarse outlines, [lon, lat], drawn from memory of the coast at ~20 km: enough to see where things are.
const LAND = [
  // Korean Peninsula, with the land border along the Yalu and Tumen rivers
  [[124.35, 40.0], [124.9, 40.45], [125.6, 40.8], [126.3, 41.15], [126.8, 41.7], [127.3, 41.5], [128.1, 41.6],
    [128.3, 42.0], [128.9, 42.05], [129.3, 42.4], [129.75, 42.45], [130.0, 42.9], [130.25, 42.7], [130.7, 42.3],
    [130.3, 42.25], [129.8, 41.8], [129.7, 41.2], [129.6, 40.85], [129.2, 40.67], [128.6, 40.3], [128.2, 40.03],
    [127.6, 39.8], [127.45, 39.35], [127.5, 39.15], [127.9, 38.95], [128.36, 38.6], [128.6, 38.2], [128.95, 37.75],
    [129.2, 37.44], [129.4, 37.0], [129.45, 36.05], [129.57, 36.08], [129.4, 35.5], [129.05, 35.1], [128.7, 34.8],
    [127.75, 34.7], [127.3, 34.5], [126.55, 34.3], [126.35, 34.8], [126.35, 35.3], [126.6, 35.95], [126.5, 36.35],
    [126.15, 36.75], [126.6, 36.95], [126.6, 37.45], [126.4, 37.7], [125.7, 38.0], [125.3, 37.93], [124.75, 38.15],
    [125.0, 38.45], [125.35, 38.7], [125.15, 39.3], [124.9, 39.6], [124.64, 39.77], [124.35, 40.0]],
  // Kyushu
  [[130.95, 33.95], [131.2, 33.6], [131.7, 33.55], [131.6, 33.25], [131.95, 32.95], [131.75, 32.5], [131.45, 31.9],
    [131.35, 31.4], [130.95, 31.05], [130.66, 31.0], [130.3, 31.27], [130.2, 31.75], [130.15, 32.1], [130.1, 32.55],
    [129.85, 32.7], [129.72, 33.16], [129.55, 33.35], [129.95, 33.45], [130.4, 33.6], [130.95, 33.95]],
  // Shikoku
  [[132.0, 33.34], [132.7, 33.85], [133.0, 34.07], [133.6, 34.25], [134.05, 34.35], [134.6, 34.2], [134.55, 34.07],
    [134.72, 33.82], [134.18, 33.25], [133.55, 33.5], [133.02, 32.72], [132.7, 32.9], [132.55, 33.22], [132.0, 33.34]],
  // Honshu
  [[130.9, 34.0], [131.0, 34.35], [131.4, 34.45], [131.85, 34.7], [132.1, 34.9], [132.7, 35.45], [133.1, 35.6],
    [133.33, 35.43], [134.2, 35.55], [134.8, 35.65], [135.1, 35.75], [135.8, 35.55], [136.05, 35.65], [136.1, 35.95],
    [136.3, 36.25], [136.6, 36.55], [136.75, 37.0], [136.7, 37.3], [137.35, 37.5], [137.0, 37.1], [137.2, 36.75],
    [137.85, 37.05], [138.25, 37.2], [138.55, 37.4], [139.05, 37.95], [139.45, 38.3], [139.8, 38.9], [140.05, 39.4],
    [140.1, 39.75], [139.7, 39.95], [140.0, 40.25], [139.9, 40.6], [140.35, 41.25], [140.9, 41.53], [141.46, 41.43],
    [141.5, 40.5], [141.8, 40.2], [142.07, 39.55], [141.6, 38.9], [141.5, 38.28], [141.0, 38.2], [140.95, 37.8],
    [140.95, 37.05], [140.6, 36.3], [140.85, 35.7], [140.3, 35.15], [139.85, 34.9], [139.65, 35.15], [139.15, 35.25],
    [138.85, 34.6], [138.75, 34.95], [138.22, 34.6], [137.7, 34.68], [137.0, 34.58], [136.85, 34.3], [136.2, 34.05],
    [135.77, 33.44], [135.35, 33.7], [135.1, 34.22], [135.4, 34.65], [135.15, 34.65], [134.65, 34.78],
    [133.95, 34.6], [133.35, 34.45], [132.45, 34.35], [132.2, 34.15], [131.8, 34.05], [131.25, 33.95], [130.9, 34.0]],
  // Hokkaido
  [[140.1, 41.42], [140.7, 41.75], [141.15, 41.82], [140.82, 42.03], [140.58, 42.11], [140.27, 42.27],
    [140.37, 42.52], [140.72, 42.58], [140.97, 42.32], [141.6, 42.63], [142.75, 42.15], [143.25, 41.93],
    [143.35, 42.3], [144.4, 42.98], [145.1, 43.05], [145.82, 43.38], [145.15, 43.65], [145.33, 44.35],
    [144.27, 44.02], [143.35, 44.35], [142.58, 44.93], [141.94, 45.52], [141.67, 45.4], [141.65, 44.88],
    [141.63, 43.95], [141.35, 43.23], [141.0, 43.2], [140.45, 43.38], [140.5, 42.98], [140.2, 42.8],
    [139.85, 42.45], [140.12, 41.87], [140.1, 41.42]],
  // Sakhalin (south), Jeju, Tsushima, Sado
  [[141.9, 45.9], [141.75, 46.6], [141.9, 47.5], [142.6, 47.3], [143.0, 46.65], [143.45, 46.05], [142.7, 46.6],
    [142.1, 46.1], [141.9, 45.9]],
  [[126.17, 33.3], [126.5, 33.2], [126.9, 33.35], [126.75, 33.55], [126.3, 33.48], [126.17, 33.3]],
  [[129.2, 34.1], [129.5, 34.65], [129.35, 34.7], [129.15, 34.3], [129.2, 34.1]],
  [[138.2, 37.8], [138.55, 38.3], [138.5, 38.35], [138.2, 38.0], [138.2, 37.8]],
];
// The mainland shore (open lines: land lies beyond the frame)
const SHORE = [
  [[124.35, 40.0], [124.15, 39.85], [122.95, 39.65], [121.6, 38.9], [121.25, 38.8], [121.9, 39.4], [122.2, 40.65],
    [121.1, 40.8], [119.6, 39.9]],
  [[117.8, 38.3], [118.9, 37.4], [120.75, 37.8], [122.1, 37.5], [122.7, 37.4], [122.4, 36.9], [120.4, 36.05],
    [119.5, 35.0], [119.4, 34.6], [120.5, 33.0], [121.9, 31.0], [121.9, 30.0], [122.1, 29.9], [121.5, 28.5],
    [121.0, 27.9]],
  [[130.7, 42.3], [130.8, 42.65], [131.2, 42.9], [131.9, 43.1], [132.9, 42.8], [133.8, 42.8], [135.1, 43.5],
    [136.3, 44.4], [137.6, 45.3], [138.5, 46.6], [140.0, 48.0]],
];
const DMZ = [[126.1, 37.75], [126.7, 37.95], [127.1, 38.3], [127.8, 38.3], [128.36, 38.6]];

const WIDTH = 640;

function frame(points) {
  let [w, e, sLat, n] = [123, 146, 31, 46];
  for (const p of points) {
    w = Math.min(w, p.lon - 2); e = Math.max(e, p.lon + 2);
    sLat = Math.min(sLat, p.lat - 2); n = Math.max(n, p.lat + 2);
  }
  return { w, e, s: sLat, n };
}

/** consensus: {launch_site, landing_area} (the event document's values); reports: [{source, id, values}] */
export function mapSketch(doc, reports) {
  const fields = ["launch_site", "landing_area"];
  const main = {};
  for (const f of fields) {
    const c = doc[f];
    if (c && c.lat !== null && c.lat !== undefined) {
      const gaz = place(c.code) || {};
      main[f] = { ...c, radius: gaz.radius_km || 0 };
    }
  }
  // places single reports named that differ from the consensus, one mark per place and field
  const byPlace = new Map();
  for (const r of reports) {
    for (const f of fields) {
      const v = r.values[f];
      if (!v || !v.code || (doc[f] && doc[f].code === v.code)) continue;
      const p = place(v.code);
      if (!p || p.lat === null) continue;
      const key = `${f}|${v.code}`;
      if (!byPlace.has(key)) byPlace.set(key, { field: f, sources: [], ...p });
      const o = byPlace.get(key);
      if (!o.sources.includes(r.source)) o.sources.push(r.source);
    }
  }
  const others = [...byPlace.values()];
  if (!main.launch_site && !main.landing_area && !others.length) {
    return h("p", { class: "muted" }, "No coordinates are known for this event's launch site or landing area.");
  }
  const fr = frame([...Object.values(main), ...others]);
  const k = Math.cos(((fr.s + fr.n) / 2) * Math.PI / 180);
  const scale = WIDTH / ((fr.e - fr.w) * k);
  const height = Math.round((fr.n - fr.s) * scale);
  const X = (lon) => (lon - fr.w) * k * scale;
  const Y = (lat) => (fr.n - lat) * scale;
  const path = (pts, close) => pts.map(([lon, lat], i) => `${i ? "L" : "M"}${X(lon).toFixed(1)},${Y(lat).toFixed(1)}`).join("") + (close ? "Z" : "");
  const kmToPx = (km) => (km / 111.32) * scale;

  const titleId = uniqueId("map-title"), descId = uniqueId("map-desc"), arrowId = uniqueId("arrow");
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": `${titleId} ${descId}`, class: "map-sketch" });
  const desc = [];
  const fmt = (p) => `${p.name} (${Math.abs(p.lat).toFixed(1)}°${p.lat >= 0 ? "N" : "S"} ${Math.abs(p.lon).toFixed(1)}°${p.lon >= 0 ? "E" : "W"})`;
  if (main.launch_site) desc.push(`Launch site: ${fmt(main.launch_site)}, reported by ${main.launch_site.sources.join(", ")}`);
  if (main.landing_area) {
    const q = main.landing_area.qualifier ? `, ${main.landing_area.qualifier.replace(":", " ").replace(/_/g, " ")}` : "";
    desc.push(`Landing area: ${fmt(main.landing_area)}, radius about ${main.landing_area.radius} km${q}, reported by ${main.landing_area.sources.join(", ")}`);
  }
  for (const o of others) desc.push(`${o.sources.join(", ")} named ${fmt(o)} as the ${o.field.replace("_", " ")}`);
  svg.append(s("title", { id: titleId }, "Sketch of the launch site and landing area"), s("desc", { id: descId }, desc.join(". ")),
    s("defs", {}, s("marker", { id: arrowId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#b42318" }))),
    s("rect", { x: 0, y: 0, width: WIDTH, height, fill: "#e8f1fa" }));
  // grid every 2 degrees
  for (let lon = Math.ceil(fr.w / 2) * 2; lon <= fr.e; lon += 2) {
    svg.append(s("line", { x1: X(lon), x2: X(lon), y1: 0, y2: height, stroke: "#c9d9ea", "stroke-width": 1 }),
      s("text", { x: X(lon) + 2, y: height - 4, "font-size": 10, fill: "#57606a" }, `${lon}°E`));
  }
  for (let lat = Math.ceil(fr.s / 2) * 2; lat <= fr.n; lat += 2) {
    svg.append(s("line", { x1: 0, x2: WIDTH, y1: Y(lat), y2: Y(lat), stroke: "#c9d9ea", "stroke-width": 1 }),
      s("text", { x: 3, y: Y(lat) - 3, "font-size": 10, fill: "#57606a" }, `${lat}°N`));
  }
  for (const poly of LAND) svg.append(s("path", { d: path(poly, true), fill: "#f3efe2", stroke: "#8a8068", "stroke-width": 1 }));
  for (const line of SHORE) svg.append(s("path", { d: path(line, false), fill: "none", stroke: "#8a8068", "stroke-width": 1 }));
  svg.append(s("path", { d: path(DMZ, false), fill: "none", stroke: "#8a8068", "stroke-dasharray": "3 3" }));

  // labels stay inside the frame (centred, or pinned to the nearer edge) and step down past labels already placed
  const placed = [];
  const label = (x, y, text, color) => {
    const width = text.length * 7, half = width / 2;
    const anchor = x - half < 4 ? "start" : x + half > WIDTH - 4 ? "end" : "middle";
    const lx = anchor === "start" ? Math.max(4, x - 10) : anchor === "end" ? Math.min(WIDTH - 4, x + 10) : x;
    const left = anchor === "start" ? lx : anchor === "end" ? lx - width : lx - half;
    let ly = y;
    for (let i = 0; i < 8 && placed.some((b) => left < b.right && b.left < left + width && Math.abs(b.y - ly) < 14); i += 1) ly += 15;
    placed.push({ left, right: left + width, y: ly });
    return s("text", { x: lx, y: ly, "font-size": 12, fill: color, "font-weight": 600, stroke: "#ffffff", "stroke-width": 3,
      "paint-order": "stroke", "text-anchor": anchor }, text);
  };
  const land = main.landing_area, site = main.launch_site;
  if (land) {
    const r = Math.max(6, kmToPx(land.radius));
    svg.append(s("circle", { cx: X(land.lon), cy: Y(land.lat), r, fill: "#0b5cad", "fill-opacity": r > WIDTH / 5 ? 0.05 : 0.12,
      stroke: "#0b5cad", "stroke-dasharray": "6 4" }),
    s("path", { d: `M${X(land.lon) - 6},${Y(land.lat)} h12 M${X(land.lon)},${Y(land.lat) - 6} v12`, stroke: "#0b3d91", "stroke-width": 2.5 }));
  }
  if (site && land) {
    const x1 = X(site.lon), y1 = Y(site.lat), x2 = X(land.lon), y2 = Y(land.lat);
    const mx = (x1 + x2) / 2, my = Math.min(y1, y2) - Math.abs(x2 - x1) * 0.18;
    svg.append(s("path", { d: `M${x1},${y1} Q${mx},${my} ${x2},${y2}`, fill: "none", stroke: "#b42318", "stroke-width": 2,
      "stroke-dasharray": "7 4", "marker-end": `url(#${arrowId})` }));
  }
  let siteMark = null;
  if (site) {
    if (site.radius >= 20) svg.append(s("circle", { cx: X(site.lon), cy: Y(site.lat), r: kmToPx(site.radius), fill: "none", stroke: "#b42318", "stroke-dasharray": "3 3" }));
    siteMark = s("path", { d: `M${X(site.lon)},${Y(site.lat) - 8} l7,12 h-14 z`, fill: "#b42318", stroke: "#fff" });
    svg.append(siteMark,
      label(X(site.lon), Y(site.lat) + 22, `Launch: ${site.name}`, "#7a1a12"));
  }
  if (land) svg.append(label(X(land.lon), Y(land.lat) - 12, `Landing: ${land.name}`, "#0b3d91"));
  for (const o of others) {
    const color = o.sources.length === 1 ? sourceColor(o.sources[0]) : "#404040";
    svg.append(s("circle", { cx: X(o.lon), cy: Y(o.lat), r: 5, fill: color, stroke: "#fff", "stroke-width": 1.5 }),
      label(X(o.lon), Y(o.lat) + 18, `${o.sources.join(", ")}: ${o.name}`, color));
  }
  if (siteMark) svg.append(siteMark);  // the consensus launch site stays on top of the reports' dots
  const legend = h("p", { class: "small muted" },
    "Triangle: launch site; cross and dashed circle: landing area (gazetteer radius); dots: places single reports ",
    "named that differ from the consensus. Coastlines are rough.");
  return h("figure", { class: "map-wrap" }, h("figcaption", {}, "Launch site and landing area (sketch)"), svg, legend);
}

/**
 * Positions (a profile's point fields, e.g. an earthquake's epicentre): each current report's position with its
 * uncertainty circle in the source's colour, and the consensus as a cross. field: the point field's name.
 */
export function pointSketch(doc, reports, field) {
  // longitudes unwrapped around the first report's, so that positions either side of the date line stay together
  const ref = reports.map((r) => r.values[field]).find((v) => v && v.lon !== null && v.lon !== undefined);
  const unwrap = (lon) => (ref ? lon + 360 * Math.round((ref.lon - lon) / 360) : lon);
  const marks = reports.filter((r) => r.values[field] && r.values[field].lat !== null && r.values[field].lat !== undefined)
    .map((r) => ({ source: r.source, id: r.id, ...r.values[field], lon: unwrap(r.values[field].lon) }));
  const c = doc[field] && doc[field].lat !== null && doc[field].lat !== undefined
    ? { ...doc[field], lon: unwrap(doc[field].lon) } : null;
  if (!marks.length) return h("p", { class: "muted" }, "No report of this event gives a position.");
  // a frame around the marks alone (at least half a degree, and their circles), not the peninsula's
  const pad = Math.max(0.5, ...marks.map((m) => (m.radius || 0) / 111.32 * 1.2));
  let w = Infinity, e = -Infinity, sLat = Infinity, n = -Infinity;
  for (const m of [...marks, ...(c ? [c] : [])]) {
    w = Math.min(w, m.lon - pad); e = Math.max(e, m.lon + pad);
    sLat = Math.min(sLat, m.lat - pad); n = Math.max(n, m.lat + pad);
  }
  const k = Math.cos(((sLat + n) / 2) * Math.PI / 180);
  // one scale for both axes that fits the frame into WIDTH x at most 520 px, the frame centred in the picture
  const scale = Math.min(WIDTH / Math.max((e - w) * k, 1e-6), 520 / Math.max(n - sLat, 1e-6));
  const height = Math.min(520, Math.max(200, Math.round((n - sLat) * scale)));
  const x0 = (WIDTH - (e - w) * k * scale) / 2, y0 = (height - (n - sLat) * scale) / 2;
  const X = (lon) => x0 + (lon - w) * k * scale;
  const Y = (lat) => y0 + (n - lat) * scale;
  // what the picture shows, margins included (for the grid)
  const [vw, ve] = [w - x0 / (k * scale), e + x0 / (k * scale)];
  const [vs, vn] = [sLat - y0 / scale, n + y0 / scale];
  const titleId = uniqueId("map-title"), descId = uniqueId("map-desc");
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": `${titleId} ${descId}`, class: "map-sketch" });
  const wrap = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;
  const fmt = (p) => `${Math.abs(p.lat).toFixed(2)}°${p.lat >= 0 ? "N" : "S"} ${Math.abs(wrap(p.lon)).toFixed(2)}°${wrap(p.lon) >= 0 ? "E" : "W"}`;
  const desc = marks.map((m) => `${m.source} ${m.id}: ${fmt(m)}, within ${Math.round(m.radius)} km`);
  if (c) desc.unshift(`Consensus ${fmt(c)}${c.preferred ? ` (${c.preferred})` : ""}`);
  svg.append(s("title", { id: titleId }, `Reported positions (${field})`), s("desc", { id: descId }, desc.join(". ")),
    s("rect", { x: 0, y: 0, width: WIDTH, height, fill: "#e8f1fa" }));
  const span = Math.max(ve - vw, vn - vs);
  const step = span > 16 ? 5 : span > 8 ? 2 : span > 3 ? 1 : 0.5;
  for (let lon = Math.ceil(vw / step) * step; lon <= ve; lon += step) {
    svg.append(s("line", { x1: X(lon), x2: X(lon), y1: 0, y2: height, stroke: "#c9d9ea" }),
      s("text", { x: X(lon) + 2, y: height - 4, "font-size": 10, fill: "#57606a" }, `${wrap(lon)}°`));
  }
  for (let lat = Math.ceil(vs / step) * step; lat <= vn; lat += step) {
    svg.append(s("line", { x1: 0, x2: WIDTH, y1: Y(lat), y2: Y(lat), stroke: "#c9d9ea" }),
      s("text", { x: 3, y: Y(lat) - 3, "font-size": 10, fill: "#57606a" }, `${lat}°`));
  }
  const path = (pts, close) => pts.map(([lon, lat], i) => `${i ? "L" : "M"}${X(lon).toFixed(1)},${Y(lat).toFixed(1)}`).join("") + (close ? "Z" : "");
  for (const poly of LAND) svg.append(s("path", { d: path(poly.map(([lon, lat]) => [unwrap(lon), lat]), true), fill: "#f3efe2", stroke: "#8a8068" }));
  for (const m of marks) {
    const color = sourceColor(m.source);
    svg.append(s("circle", { class: "uncertainty", cx: X(m.lon), cy: Y(m.lat), r: Math.max(3, (m.radius / 111.32) * scale), fill: color,
      "fill-opacity": 0.08, stroke: color, "stroke-dasharray": "5 3" }),
    s("circle", { class: "mark", "data-report": m.id, "data-source": m.source, cx: X(m.lon), cy: Y(m.lat), r: 4, fill: color, stroke: "#fff", "stroke-width": 1.5 }),
    s("text", { x: X(m.lon) + 6, y: Y(m.lat) - 6, "font-size": 11, fill: color, "font-weight": 600, stroke: "#fff",
      "stroke-width": 3, "paint-order": "stroke" }, m.source));
  }
  if (c) {
    svg.append(s("path", { class: "consensus", d: `M${X(c.lon) - 7},${Y(c.lat)} h14 M${X(c.lon)},${Y(c.lat) - 7} v14`, stroke: "#0b3d91", "stroke-width": 2.5 }));
  }
  const legend = h("p", { class: "small muted" }, "Dots: each report's position, dashed circle: its stated (or default) ",
    "uncertainty; cross: the consensus. Coastlines are rough and drawn only around Korea and Japan.");
  return h("figure", { class: "map-wrap" }, h("figcaption", {}, `Reported positions: ${field}`), svg, legend);
}
