// Analyst actions on an event: review a conflict (acknowledge, resolve, reopen, with a note and the accepted value),
// split reports off into a new event, merge with other events; and the audit log that records each of them.

import { api, query } from "./api.js";
import { badge, errorBox, field, h, uniqueId } from "./dom.js";
import { utc, withUnit } from "./format.js";
import { fieldTitle, kindOf, labelOf, sourceBadge, unitOf } from "./profile.js";

const VERB = { acknowledged: "Acknowledged", resolved: "Resolved", open: "Reopened" };

/** The accepted value as the API stores it: numbers for quantities and counts, the text otherwise. */
export function acceptedValue(fieldName, text) {
  const t = text.trim();
  if (!t) return null;
  const kind = kindOf(fieldName);
  if ((kind === "quantity" || kind === "count") && /^[-+]?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function suggestions(doc, c) {
  const kind = kindOf(c.field);
  const out = new Map();
  const add = (value, label) => { if (value !== null && value !== undefined && !out.has(String(value))) out.set(String(value), label); };
  const cons = doc[c.field];
  for (const v of c.values) {
    const r = doc.reports.find((x) => x.id === v.report);
    const val = r && r.values[c.field];
    if (!val) continue;
    if (kind === "quantity" || kind === "count") add(val.best, `${v.source}: ${v.value}`);
    else if (kind === "time") add(val.best, `${v.source}: ${v.value}`);
    else add(val.code, `${v.source}: ${labelOf(c.field, val.code)}`);
  }
  if (cons) add(kind === "place" || kind === "category" ? cons.code : cons.best, "consensus");
  return [...out.entries()];
}

function reviewedLine(c) {
  if (c.status === "open" && !c.note) return null;
  const hasAccepted = c.accepted !== null && c.accepted !== undefined;
  const accepted = hasAccepted && typeof c.accepted === "number" ? withUnit(c.accepted, unitOf(c.field)) : String(c.accepted);
  return h("p", { class: "reviewed" },
    h("strong", {}, VERB[c.status] || c.status), c.reviewed_by ? ` by ${c.reviewed_by}` : "",
    c.reviewed_at ? ` on ${utc(c.reviewed_at)}` : "", ".",
    c.note ? [" Note: ", h("q", { class: "note" }, c.note), "."] : null,
    hasAccepted ? [" Accepted value: ", h("strong", { class: "accepted" }, accepted), "."] : null);
}

function conflictCard(doc, c, ctx) {
  const noteId = uniqueId(`note-${c.id}`), accId = uniqueId(`accepted-${c.id}`), listId = `${accId}-list`;
  const note = h("textarea", { id: noteId, name: "note", maxlength: "5000" });
  note.value = c.note || "";
  const accepted = h("input", { id: accId, name: "accepted", type: "text", list: listId, autocomplete: "off" });
  accepted.value = c.accepted === null || c.accepted === undefined ? "" : String(c.accepted);
  const unit = unitOf(c.field);
  const result = h("div", { class: "result", "aria-live": "polite" });
  const form = h("form", { class: "review-form", "aria-label": `Review the ${c.field} conflict` },
    field("Note", note, { hint: "why you accept or dismiss the flag" }),
    field(`Accepted value${unit ? ` (${unit})` : ""}, optional`, accepted,
      { hint: "a number for figures, a code for places and types; suggestions from the reports" }),
    h("datalist", { id: listId }, suggestions(doc, c).map(([v, label]) => h("option", { value: v, label }))),
    h("div", { class: "buttons" },
      c.status !== "acknowledged" ? h("button", { type: "submit", name: "status", value: "acknowledged" }, "Acknowledge") : null,
      c.status !== "resolved" ? h("button", { type: "submit", name: "status", value: "resolved" }, "Resolve") : null,
      c.status !== "open" ? h("button", { type: "submit", name: "status", value: "open", class: "secondary" }, "Reopen") : null),
    result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = ev.submitter ? ev.submitter.value : "acknowledged";
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    result.replaceChildren(h("p", { class: "muted" }, "Saving…"));
    try {
      await api(`/conflicts/${c.id}`, { method: "PATCH",
        body: { status, note: note.value.trim() || null, accepted: acceptedValue(c.field, accepted.value) } });
    } catch (err) {
      for (const b of form.querySelectorAll("button")) b.disabled = false;
      result.replaceChildren(errorBox(err, { context: "Not saved" }));
      return;
    }
    await ctx.refresh({ flash: { kind: "success", text: `${VERB[status]} the ${c.field} conflict.` },
      focus: `#conflict-${c.id} h3` });
  });
  return h("article", { class: `conflict ${c.severity}`, id: `conflict-${c.id}`, "data-field": c.field, "data-status": c.status },
    h("div", { class: "conflict-info" },
    h("h3", { tabindex: "-1" }, fieldTitle(c.field), badge(c.severity, `sev-${c.severity}`),
      badge(c.status, `st-${c.status}`)),
    h("p", { class: "message" }, c.message),
    h("ul", { class: "small" }, c.values.map((v) => h("li", {}, sourceBadge(v.source), " ", h("span", { class: "mono" }, v.report),
      `: “${v.value}”`, v.low !== undefined ? ` (${v.low === v.high ? v.low : `${v.low}–${v.high}`}${unit ? ` ${unit}` : ""})` : ""))),
    reviewedLine(c), ctx.chart ? ctx.chart(c.field) : null), form);
}

export function conflictCards(doc, ctx) {
  if (!doc.conflicts.length) return h("p", { class: "muted" }, "No conflicts: the sources agree within their precision.");
  return h("div", { class: "conflicts" }, doc.conflicts.map((c) => conflictCard(doc, c, ctx)));
}

/** Each current report with the earlier versions it superseded: the unit a split moves. */
function chains(doc) {
  const byId = new Map(doc.reports.map((r) => [`${r.source}\u0000${r.id}`, r]));
  const used = new Set();
  const out = [];
  for (const r of doc.reports.filter((x) => x.current)) {
    const chain = [r];
    used.add(`${r.source}\u0000${r.id}`);
    let prev = r.supersedes && byId.get(`${r.source}\u0000${r.supersedes}`);
    while (prev && !used.has(`${prev.source}\u0000${prev.id}`)) {
      chain.push(prev); used.add(`${prev.source}\u0000${prev.id}`);
      prev = prev.supersedes && byId.get(`${prev.source}\u0000${prev.supersedes}`);
    }
    out.push(chain);
  }
  for (const r of doc.reports) if (!used.has(`${r.source}\u0000${r.id}`)) out.push([r]);
  return out;
}

function splitForm(doc, ctx) {
  const groups = chains(doc);
  const result = h("div", { class: "result", "aria-live": "polite" });
  const boxes = groups.map((chain, i) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "part", value: String(i) }),
    h("span", {}, sourceBadge(chain[0].source), " ", h("span", { class: "mono" }, chain[0].id),
      chain.length > 1 ? h("span", { class: "muted small" }, ` with earlier ${chain.slice(1).map((r) => r.id).join(", ")}`) : null)));
  const note = h("textarea", { name: "note", maxlength: "5000" });
  const form = h("form", { class: "split-form" },
    h("fieldset", {}, h("legend", {}, "Reports to split off into a new event"), h("div", { class: "choices" }, boxes)),
    field("Note", note, { hint: "why these reports are another launch" }),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Split event")), result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = [...form.querySelectorAll("input[name=part]:checked")].map((b) => groups[Number(b.value)]);
    if (!chosen.length || chosen.length === groups.length) {
      result.replaceChildren(h("p", { class: "error", role: "alert" },
        "Choose at least one report to split off, and leave at least one in this event."));
      return;
    }
    const part = chosen.flat().map((r) => ({ source: r.source, id: r.id }));
    form.querySelector("button").disabled = true;
    try {
      const res = await api(`/events/${encodeURIComponent(doc.id)}/split`, { method: "POST",
        body: { parts: [part], note: note.value.trim() || null } });
      const others = res.events.filter((e) => e !== doc.id);
      await ctx.refresh({ flash: { kind: "success", text: `Split: ${part.map((r) => r.id).join(", ")} now in event ${res.events[0]}; the rest in ${res.events[res.events.length - 1]}. Open:`, links: others },
        focus: "#flash a" });
    } catch (err) {
      form.querySelector("button").disabled = false;
      result.replaceChildren(errorBox(err, { context: "Not split" }));
    }
  });
  return form;
}

function mergeForm(doc, ctx) {
  const result = h("div", { class: "result", "aria-live": "polite" });
  const nearby = h("div", { class: "choices" }, h("p", { class: "muted" }, "Looking for events within two days…"));
  const others = h("input", { type: "text", name: "others", autocomplete: "off", spellcheck: "false" });
  const note = h("textarea", { name: "note", maxlength: "5000" });
  const form = h("form", { class: "merge-form" },
    h("fieldset", {}, h("legend", {}, "Events to merge into this one"), nearby),
    field("Other event ids", others, { hint: "separated by spaces or commas" }),
    field("Note", note, { hint: "why these are one launch" }),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Merge events")), result);
  const t = doc.time;
  if (t && t.best) {
    const at = Date.parse(t.best);
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
    api(`/events${query({ start: iso(at - 2 * 86400e3), end: iso(at + 2 * 86400e3), limit: 50 })}`).then((page) => {
      const items = page.items.filter((e) => e.id !== doc.id);
      nearby.replaceChildren(...(items.length ? items.map((e) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "event", value: e.id }),
        h("span", {}, h("span", { class: "mono" }, e.id), ` · ${e.time ? utc(e.time.best) : "time unknown"} · `,
          labelOf("event_type", e.event_type) || "—", " · ", e.sources.join(", ")))) : [h("p", { class: "muted" }, "No other event within two days.")]));
    }).catch((err) => nearby.replaceChildren(errorBox(err, { context: "Could not list nearby events" })));
  } else {
    nearby.replaceChildren(h("p", { class: "muted" }, "This event has no time: name the events to merge below."));
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const ids = [...form.querySelectorAll("input[name=event]:checked")].map((b) => b.value)
      .concat(others.value.split(/[\s,]+/).filter(Boolean));
    if (!ids.length) {
      result.replaceChildren(h("p", { class: "error", role: "alert" }, "Choose or name at least one other event."));
      return;
    }
    form.querySelector("button").disabled = true;
    try {
      const res = await api("/events/merge", { method: "POST", body: { events: [doc.id, ...ids], note: note.value.trim() || null } });
      const flash = { kind: "success", text: `Merged ${[doc.id, ...ids].join(", ")} into ${res.event}.` };
      if (res.event !== doc.id) window.location.hash = `#/events/${encodeURIComponent(res.event)}`;
      await ctx.refresh({ flash, focus: "#flash" });
    } catch (err) {
      form.querySelector("button").disabled = false;
      result.replaceChildren(errorBox(err, { context: "Not merged" }));
    }
  });
  return form;
}

export function overrideForms(doc, ctx) {
  return h("div", { class: "override" },
    h("div", {}, h("h3", {}, "Split"), splitForm(doc, ctx)),
    h("div", {}, h("h3", {}, "Merge"), mergeForm(doc, ctx)));
}

const keys = (list) => (list || []).map(([src, id]) => `${src} ${id}`).join(", ");

function auditDetail(a) {
  const d = a.detail || {};
  const note = d.note ? ` Note: “${d.note}”.` : "";
  switch (a.action) {
    case "conflict_acknowledged": case "conflict_resolved": case "conflict_open":
      return `${d.field}: ${d.from} → ${d.to}.${note}${d.accepted !== null && d.accepted !== undefined ? ` Accepted value: ${d.accepted}.` : ""}`;
    case "created": case "reports_added":
      return `Reports: ${keys(d.reports || d.joined)}.${d.from && d.from.length ? ` From ${d.from.join(", ")}.` : ""}${note}`;
    case "split":
      return `Parts: ${(d.parts || []).map((p) => `[${keys(p)}]`).join(" | ")}.${d.left && d.left.length ? ` Left: ${keys(d.left)}.` : ""}${note}`;
    case "merge":
      return `Events: ${(d.events || []).join(", ")}.${d.joined && d.joined.length ? ` Joined: ${keys(d.joined)}.` : ""}${d.absorbed && d.absorbed.length ? ` Absorbed: ${d.absorbed.join(", ")}.` : ""}${note}`;
    case "absorbed": return `Absorbed ${d.event || ""}.${note}`;
    case "merged_into": return `Merged into ${d.into || ""}.${note}`;
    default: return JSON.stringify(d);
  }
}

export function auditLog(audit) {
  if (!audit.length) return h("p", { class: "muted" }, "Nothing recorded yet.");
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Audit log" },
    h("table", { class: "audit" }, h("caption", { class: "sr-only" }, "Every change to this event, oldest first"),
      h("thead", {}, h("tr", {}, ["When (UTC)", "Who", "Action", "Details"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, audit.map((a) => h("tr", { "data-action": a.action },
        h("td", {}, utc(a.at)), h("td", {}, a.actor), h("td", {}, a.action.replace(/_/g, " ")), h("td", {}, auditDetail(a)))))));
}
