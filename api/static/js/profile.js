// What the page knows about the profile (GET /ui/profile.json): field kinds and units, category labels,
// source names, gazetteer coordinates; and one colour per source, the same in badges and charts.

import { api } from "./api.js";
import { h } from "./dom.js";

// Okabe–Ito, darkened where needed for contrast on white
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07800", "#3A8FC4", "#6A3D9A", "#505050"];

let profile = null;
let loading = null;

export async function loadProfile() {
  if (profile) return profile;
  loading = loading || api("/ui/profile.json").then((p) => {
    profile = {
      ...p,
      fieldByName: Object.fromEntries(p.fields.map((f) => [f.name, f])),
      sourceByCode: Object.fromEntries(p.sources.map((x, i) => [x.code, { ...x, color: PALETTE[i % PALETTE.length] }])),
      placeById: Object.fromEntries(p.places.map((x) => [x.id, x])),
    };
    return profile;
  }).catch((err) => { loading = null; throw err; });
  return loading;
}

export function getProfile() {
  return profile;
}

export const NUMERIC = new Set(["time", "quantity", "count"]);

export function kindOf(field) {
  const f = profile && profile.fieldByName[field];
  return f ? f.kind : "category";
}

export function unitOf(field) {
  const f = profile && profile.fieldByName[field];
  return f ? f.unit : null;
}

export function fieldTitle(field) {
  const text = field.replace(/_/g, " ").replace(/\./g, " ");  // "magnitude.Mw" -> "Magnitude Mw"
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function labelOf(field, code) {
  if (code === null || code === undefined) return null;
  const f = profile && profile.fieldByName[field];
  if (f && f.kind === "place") return (profile.placeById[code] || {}).name || code;
  return (f && f.labels && f.labels[code]) || code;
}

export function place(code) {
  return (profile && profile.placeById[code]) || null;
}

function hash(text) {
  let x = 0;
  for (const ch of text) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x;
}

export function sourceColor(code) {
  const known = profile && profile.sourceByCode[code];
  return known ? known.color : PALETTE[hash(code) % PALETTE.length];
}

export function sourceName(code) {
  const known = profile && profile.sourceByCode[code];
  return known ? known.name : code;
}

export function sourceBadge(code) {
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  dot.style.background = sourceColor(code);
  return h("span", { class: "badge source", title: sourceName(code) }, dot, code);
}
