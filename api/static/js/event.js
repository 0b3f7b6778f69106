// The event page: summary, conflicts (with review), the reports side by side with the consensus, one interval
// chart per numeric field, the map sketch, revision history, pairwise evidence, split/merge and the audit log.

import { api } from "./api.js";
import { announce, badge, clear, errorBox, h, srOnly } from "./dom.js";
import { interval, localLine, utc, utcRange, withUnit } from "./format.js";
import { intervalChart } from "./charts.js";
import { mapSketch, pointSketch } from "./map.js";
import { NUMERIC, fieldTitle, getProfile, kindOf, labelOf, sourceBadge, unitOf } from "./profile.js";
import { auditLog, conflictCards, overrideForms } from "./review.js";

function position(v) {
  const ns = v.lat >= 0 ? "N" : "S";
  const ew = v.lon >= 0 ? "E" : "W";
  return `${Math.abs(v.lat).toFixed(2)}°${ns} ${Math.abs(v.lon).toFixed(2)}°${ew} ±${Math.round(v.radius)} km`;
}

function where(doc, columns) {
  const point = getProfile().fields.find((f) => f.kind === "point");
  return point ? pointSketch(doc, columns, point.name) : mapSketch(doc, columns);
}

function valueText(field, v) {
  if (!v) return null;
  const kind = kindOf(field);
  if (kind === "time") return v.low === v.high ? utc(v.best) : utcRange(v.low, v.high);
  if (kind === "point") return position(v);
  if (kind === "text") return null;
  if (kind === "quantity" || kind === "count") {
    const unit = kind === "count" ? null : v.unit || unitOf(field);
    const range = interval(v.low, v.high, unit);
    if (v.assumed) return `${withUnit(v.best, unit)}: assumed (fixed), not compared`;
    return v.low !== v.high && v.best !== null ? `${range}, best ${withUnit(v.best, unit)}` : range;
  }
  const label = labelOf(field, v.code) || "not recognised";
  return v.qualifier ? `${label} (${v.qualifier.replace(":", " ").replace(/_/g, " ")})` : label;
}

function consensusCell(field, c) {
  if (!c) return h("td", { class: "consensus" }, h("span", { class: "muted" }, "—"), srOnly("no consensus"));
  const kind = kindOf(field);
  const parts = [];
  if (kind === "time") {
    parts.push(h("span", { class: "raw" }, utc(c.best)), h("span", { class: "norm" }, localLine(c.best)),
      h("span", { class: "norm" }, utcRange(c.low, c.high)));
  } else if (NUMERIC.has(kind)) {
    const unit = kind === "count" ? null : c.unit || unitOf(field);
    parts.push(h("span", { class: "raw" }, withUnit(c.best, unit)));
    if (c.low !== c.high) parts.push(h("span", { class: "norm" }, interval(c.low, c.high, unit)));
  } else if (kind === "point") {
    parts.push(h("span", { class: "raw" }, c.lat === null ? "—" : position(c)));
  } else if (kind === "text") {
    parts.push(h("span", { class: "raw" }, c.text || "—"));
  } else {
    parts.push(h("span", { class: "raw" }, c.name || c.label || labelOf(field, c.code) || "—"));
    if (c.qualifier) parts.push(h("span", { class: "norm" }, c.qualifier.replace(":", " ").replace(/_/g, " ")));
  }
  if (c.reason) parts.push(h("span", { class: "rule" }, `preferred: ${c.reason}`));
  if (c.agree === false) parts.push(badge("sources disagree", "sev-minor"));
  return h("td", { class: "consensus" }, parts);
}

function reportsTable(doc, columns, byField) {
  const profile = getProfile();
  const fields = profile.fields.map((f) => f.name)
    .filter((f) => doc[f] || columns.some((r) => r.values[f]));
  const head = h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Consensus"),
    columns.map((r) => h("th", { scope: "col", "data-report": r.id },
      sourceBadge(r.source), h("span", { class: "norm mono small" }, r.id))));
  const rows = [h("tr", {}, h("th", { scope: "row" }, "Issued"), h("td", { class: "consensus" }, "—"),
    columns.map((r) => h("td", {}, h("span", { class: "raw" }, utc(r.issued_at)),
      h("span", { class: "norm" }, `as “${r.source_raw}”`))))];
  for (const f of fields) {
    const c = byField[f];
    const involved = new Set(c ? c.values.map((v) => v.report) : []);
    const sev = c ? c.severity : "";
    const unit = unitOf(f);
    const rowHead = h("th", { scope: "row" }, fieldTitle(f), unit ? h("span", { class: "muted" }, ` (${unit})`) : null,
      c ? h("span", { class: "rowmsg" }, h("span", { class: "flag", "aria-hidden": "true" }, "⚠ "),
        badge(`${c.severity} conflict`, `sev-${c.severity}`), " ", h("span", { class: "conflict-message" }, c.message),
        " ", badge(c.status, `st-${c.status}`)) : null);
    const cells = columns.map((r) => {
      const v = r.values[f];
      if (!v) return h("td", { "data-report": r.id }, h("span", { class: "muted", "aria-hidden": "true" }, "—"), srOnly("not reported"));
      const disagree = involved.has(r.id);
      return h("td", { "data-report": r.id, class: disagree ? `disagree ${sev}` : null },
        h("span", { class: "raw" }, disagree ? [h("span", { class: "flag", "aria-hidden": "true" }, "⚠ "),
          srOnly(`Disagrees (${sev} conflict): `)] : null, v.raw),
        h("span", { class: "norm" }, valueText(f, v)),
        v.rule ? h("span", { class: "rule" }, v.rule) : null);
    });
    rows.push(h("tr", { id: `row-${f}`, "data-field": f, class: c ? `has-conflict ${sev}` : null }, rowHead,
      consensusCell(f, doc[f]), cells));
  }
  rows.push(h("tr", {}, h("th", { scope: "row" }, "Text"), h("td", { class: "consensus" }, "—"),
    columns.map((r) => h("td", { class: "text-cell" }, r.text || "—"))));
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Reports side by side" },
    h("table", { class: "reports" },
      h("caption", {}, `${columns.length} current reports, one column each, with the consensus; `,
        "highlighted cells disagree (see the conflict message in the row)"),
      h("thead", {}, head), h("tbody", {}, rows)));
}

/** The interval chart of one numeric field, or null when no current report gives it. */
function chartFor(doc, columns, byField, f) {
  if (!NUMERIC.has(f.kind)) return null;
  const c = byField[f.name];
  const rows = columns.filter((r) => r.values[f.name] && r.values[f.name].low !== undefined).map((r) => {
    const v = r.values[f.name];
    return { label: r.source, source: r.source, report: r.id, low: v.low, high: v.high, best: v.best, raw: v.raw,
      conflict: !!(c && c.values.some((x) => x.report === r.id)) };
  });
  if (!rows.length) return null;
  return intervalChart({ field: f.name, kind: f.kind, unit: f.kind === "count" ? null : f.unit, rows,
    consensus: doc[f.name], severity: c ? c.severity : null });
}

function charts(doc, columns, byField) {
  const figures = getProfile().fields.map((f) => chartFor(doc, columns, byField, f)).filter(Boolean);
  return figures.length ? h("div", { class: "charts" }, figures) : h("p", { class: "muted" }, "No numeric values reported.");
}

function revisions(doc) {
  if (!doc.history.length) return h("p", { class: "muted" }, "No report in this event was revised.");
  return h("div", { class: "links" }, doc.history.map((rev) => h("div", { class: "link" },
    h("h3", {}, sourceBadge(rev.source), " ", h("span", { class: "mono" }, rev.report), " → ",
      h("span", { class: "mono" }, rev.superseded_by || "—")),
    Object.keys(rev.changes).length
      ? h("table", {}, h("caption", { class: "sr-only" }, `What ${rev.superseded_by} changed in ${rev.report}`),
        h("thead", {}, h("tr", {}, ["Field", "Before", "After"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, Object.entries(rev.changes).map(([f, [before, after]]) => h("tr", {},
          h("th", { scope: "row" }, fieldTitle(f)), h("td", {}, before ?? "—"), h("td", {}, after ?? "—")))))
      : h("p", { class: "muted" }, "No field changed."))));
}

function evidence(doc) {
  if (!doc.evidence.length) return h("p", { class: "muted" }, "A single report: no pairwise evidence.");
  return h("div", { class: "links" }, doc.evidence.map((link) => {
    const telling = link.fields.filter((f) => f.weight !== 0).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
    const silent = link.fields.filter((f) => f.weight === 0);
    const sign = (w) => `${w > 0 ? "+" : ""}${w.toFixed(2)}`;
    const fixed = Math.abs(link.score) >= 1e5;  // a revision or an analyst's constraint, not a weighed score
    return h("details", { class: "link" },
      h("summary", {}, sourceBadge(link.a[0]), " ", h("span", { class: "mono small" }, link.a[1]), " ↔ ",
        sourceBadge(link.b[0]), " ", h("span", { class: "mono small" }, link.b[1]), ": ",
        h("strong", {}, fixed ? link.decision : `${link.decision}, score ${sign(link.score)}`), " — ",
        fixed ? link.reason : telling.slice(0, 3).map((f) => `${f.field.replace(/_/g, " ")} ${sign(f.weight)}`).join(", ") || "no field evidence"),
      h("p", {}, link.reason),
      h("table", {}, h("caption", { class: "sr-only" }, "Evidence by field"),
        h("thead", {}, h("tr", {}, ["Field", "Weight", "Why"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, telling.map((f) => h("tr", {}, h("th", { scope: "row" }, fieldTitle(f.field)),
          h("td", { class: f.weight > 0 ? "weight-pos" : "weight-neg" }, sign(f.weight)), h("td", {}, f.reason))))),
      silent.length ? h("p", { class: "small muted" }, `No evidence from: ${silent.map((f) => f.field.replace(/_/g, " ")).join(", ")}.`) : null);
  }));
}

function summary(doc, columns) {
  const t = doc.time;
  const counts = { major: 0, minor: 0 };
  for (const c of doc.conflicts) counts[c.severity] += 1;
  const item = (label, ...value) => h("div", {}, h("dt", {}, label), h("dd", {}, value));
  const review = doc.review === "unreviewed" ? badge("unreviewed", "rv-unreviewed")
    : doc.review === "reviewed" ? badge("reviewed", "rv-reviewed") : badge("no conflicts", "rv-none");
  return h("dl", { class: "summary" },
    item("Time (UTC)", t ? utc(t.best) : "unknown", t ? h("span", { class: "local" }, utcRange(t.low, t.high)) : null),
    // the local wall clock of the profile's region (KST/JST for launches); a kind dated in UTC has none
    localLine(t ? t.best : null) ? item("Local time", localLine(t.best)) : null,
    item("Type", doc.event_type ? doc.event_type.label || doc.event_type.code : "—"),
    item("Sources", h("span", { class: "badges" }, [...new Set(doc.reports.map((r) => r.source))].map(sourceBadge))),
    item("Reports", `${columns.length} current, ${doc.reports.length - columns.length} superseded`),
    item("Conflicts", h("span", { class: "badges" }, badge(`${counts.major} major`, counts.major ? "sev-major" : "zero"),
      badge(`${counts.minor} minor`, counts.minor ? "sev-minor" : "zero"))),
    item("Review", review),
    doc.absorbed.length ? item("Absorbed events", doc.absorbed.join(", ")) : null);
}

function section(id, title, ...content) {
  return h("section", { id, "aria-labelledby": `${id}-h` }, h("h2", { id: `${id}-h`, tabindex: "-1" }, title), content);
}

/** Render event `id` into `root`. opts.flash: {kind: "success"|"notice", text, links}; opts.focus: a selector. */
export async function renderEvent(root, id, opts = {}) {
  const token = Symbol("render");
  root.renderToken = token;
  if (!root.querySelector("h1")) clear(root).append(h("p", { class: "loading" }, "Loading event…"));
  let doc, audit;
  try {
    doc = await api(`/events/${encodeURIComponent(id)}`);
    audit = await api(`/events/${encodeURIComponent(doc.id)}/audit`);
  } catch (err) {
    if (root.renderToken !== token) return;
    clear(root).append(h("h1", { tabindex: "-1" }, `Event ${id}`), errorBox(err, { context: "Could not load the event" }),
      h("p", {}, h("a", { href: "#/" }, "Back to the event list")));
    return;
  }
  if (root.renderToken !== token) return;
  let flash = opts.flash;
  if (doc.id !== id) {
    window.history.replaceState(null, "", `#/events/${encodeURIComponent(doc.id)}`);
    flash = flash || { kind: "notice", text: `Event ${id} was merged into ${doc.id}; showing ${doc.id}.` };
  }
  document.title = `Event ${doc.id} · conflict review`;
  const current = doc.reports.filter((r) => r.current);
  const columns = current.length ? current : doc.reports;
  const byField = Object.fromEntries(doc.conflicts.map((c) => [c.field, c]));
  const refresh = (next) => renderEvent(root, doc.id, next);
  const chart = (name) => chartFor(doc, columns, byField, getProfile().fieldByName[name] || { name, kind: "category" });
  const flashBox = h("div", { id: "flash", role: "status" });
  if (flash) {
    flashBox.append(h("div", { class: flash.kind || "success" }, flash.text,
      (flash.links || []).map((l) => [" ", h("a", { href: `#/events/${encodeURIComponent(l)}` }, l)])));
  }
  const backHref = sessionStorage.getItem("reconcile.listHash") || "#/";
  clear(root).append(
    h("p", { class: "small" }, h("a", { href: backHref }, "← Event list")),
    h("h1", { tabindex: "-1" }, `Event ${doc.id}`),
    flashBox,
    h("nav", { "aria-label": "On this page" }, h("ul", { class: "toc" },
      [["conflicts", "Conflicts"], ["reports", "Reports"], ["intervals", "Intervals"], ["map", "Map"],
        ["revisions", "Revisions"], ["evidence", "Evidence"], ["override", "Split & merge"], ["audit", "Audit log"]]
        .map(([sid, t]) => h("li", {}, h("a", { href: `#/events/${encodeURIComponent(doc.id)}`, dataset: { jump: sid } }, t))))),
    summary(doc, columns),
    section("conflicts", `Conflicts (${doc.conflicts.length})`, conflictCards(doc, { refresh, chart })),
    section("reports", "Reports side by side", reportsTable(doc, columns, byField)),
    section("intervals", "Intervals by field", charts(doc, columns, byField)),
    section("map", "Where", where(doc, columns)),
    section("revisions", "Revision history", revisions(doc)),
    section("evidence", "Evidence that joined the reports", evidence(doc)),
    section("override", "Split or merge", overrideForms(doc, { refresh })),
    section("audit", `Audit log (${audit.length})`, auditLog(audit)));
  // in-page links keep the event's address (the hash is the route): scroll and focus instead
  for (const a of root.querySelectorAll("a[data-jump]")) {
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      const target = document.getElementById(`${a.dataset.jump}-h`);
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }
  if (flash) announce(flash.text);
  const focusTarget = opts.focus ? root.querySelector(opts.focus) : null;
  if (focusTarget) { focusTarget.focus({ preventScroll: true }); focusTarget.scrollIntoView({ block: "center" }); }
  return doc;
}
