// The event list: filters (kept in the address, so a reload or a shared link shows the same page), a table
// paginated by the server (only one page is ever fetched, whatever the store holds), and a search over the page.

import { api, query } from "./api.js";
import { announce, badge, clear, errorBox, field, h } from "./dom.js";
import { localTimes, utc } from "./format.js";
import { getProfile, labelOf, sourceBadge } from "./profile.js";

const SIZES = [25, 50, 100, 200];

/** Hash parameters -> the API's /events query. Dates are whole UTC days. */
export function eventsQuery(p) {
  return {
    start: p.start ? `${p.start}T00:00:00Z` : undefined,
    end: p.end ? `${p.end}T23:59:59Z` : undefined,
    source: p.source, field: p.field, severity: p.severity,
    review: p.unreviewed === "1" ? "unreviewed" : undefined,
    q: p.q || undefined,
    limit: p.limit || 50, offset: p.offset || 0,
  };
}

function select(name, label, options, value) {
  const el = h("select", { name },
    options.map(([v, text]) => h("option", { value: v, selected: v === (value || "") }, text)));
  return field(label, el);
}

function reviewBadge(e) {
  if (e.review === "unreviewed") return badge(`Unreviewed (${e.conflicts.open} open)`, "rv-unreviewed");
  if (e.review === "reviewed") return badge("Reviewed", "rv-reviewed");
  return badge("No conflicts", "rv-none");
}

function conflictBadges(c) {
  return h("span", { class: "badges" },
    badge(`${c.major} major`, c.major ? "sev-major" : "zero"),
    badge(`${c.minor} minor`, c.minor ? "sev-minor" : "zero"));
}

/** The profile's key figures, compactly: "Mw 7.5 · mb 6.9 · 37.50°N 137.27°E · 10 km". */
function figures(e) {
  const parts = [];
  for (const [name, c] of Object.entries(e.figures || {})) {
    if (c.lat !== undefined && c.lat !== null) {
      parts.push(`${Math.abs(c.lat).toFixed(2)}°${c.lat >= 0 ? "N" : "S"} ${Math.abs(c.lon).toFixed(2)}°${c.lon >= 0 ? "E" : "W"}`);
    } else if (c.best !== undefined && c.best !== null) {
      const label = name.includes(".") ? `${name.split(".").slice(1).join(".")} ` : "";
      const unit = c.unit && c.unit !== "mag" && c.unit !== "number" ? ` ${c.unit}` : "";
      parts.push(`${label}${Number(c.best.toFixed(2))}${unit}`);
    }
  }
  return parts.join(" · ") || "—";
}

function hasFigures() {
  const profile = getProfile();
  return Boolean(profile && profile.summary && profile.summary.length);
}

function row(e) {
  const best = e.time ? e.time.best : null;
  const type = e.event_type ? labelOf("event_type", e.event_type) : "—";
  const tr = h("tr", { dataset: { id: e.id } },
    h("td", { class: "time", "data-label": "Time" },
      h("a", { href: `#/events/${encodeURIComponent(e.id)}` }, best ? utc(best) : "time unknown"),
      localTimes(best).map((l) => h("span", { class: "local" }, `${l.text} ${l.labels}`)),
      h("span", { class: "id" }, e.id)),
    h("td", { "data-label": "Type" }, type),
    hasFigures() ? h("td", { class: "figures", "data-label": "Figures" }, figures(e)) : null,
    h("td", { "data-label": "Sources" }, h("span", { class: "badges" }, e.sources.map(sourceBadge)),
      h("span", { class: "sr-only" }, `, ${e.reports} reports`)),
    h("td", { "data-label": "Conflicts" }, conflictBadges(e.conflicts)),
    h("td", { "data-label": "Review" }, reviewBadge(e)));
  tr.searchText = [e.id, e.event_type, type, ...e.sources, tr.textContent].join(" ").toLowerCase();
  return tr;
}

export class ListView {
  constructor(root, navigate) {
    this.root = root;
    this.navigate = navigate;
    this.serial = 0;
    this.params = {};
    this.build();
  }

  build() {
    const profile = getProfile();
    const sources = [["", "Any source"], ...profile.sources.map((x) => [x.code, `${x.code} — ${x.name}`])];
    const fields = [["", "Any field"], ...profile.fields.map((f) => [f.name, f.name.replace(/_/g, " ")])];
    this.form = h("form", { class: "filters", role: "search", "aria-label": "Filter events" },
      field("From (UTC date)", h("input", { type: "date", name: "start" })),
      field("To (UTC date)", h("input", { type: "date", name: "end" })),
      select("source", "Source", sources),
      select("field", "Conflict on field", fields),
      select("severity", "Severity", [["", "Any severity"], ["major", "Major"], ["minor", "Minor"]]),
      h("div", { class: "field" }, h("label", { class: "check" },
        h("input", { type: "checkbox", name: "unreviewed", value: "1" }), "Unreviewed only")),
      h("div", { class: "buttons" },
        h("button", { type: "submit" }, "Apply filters"),
        h("button", { type: "button", class: "secondary", onclick: () => this.navigate({}) }, "Clear filters")));
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const data = new FormData(this.form);
      const next = {};
      for (const [k, v] of data.entries()) if (v) next[k] = v;
      if (this.params.limit) next.limit = this.params.limit;
      if (this.search.value) next.q = this.search.value;
      this.navigate(next);
    });
    this.search = h("input", { type: "search", name: "q", autocomplete: "off" });
    this.search.addEventListener("input", () => this.filterRows(true));
    this.search.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      const next = { ...this.params, q: this.search.value.trim() || undefined, offset: 0 };
      this.navigate(next);
    });
    const searchField = field("Search events", this.search,
      { hint: "narrows this page as you type; Enter searches every event (ids, sources, places as reported)" });
    this.summary = h("p", { class: "muted", id: "list-summary" });
    this.matchInfo = h("span", { class: "muted small" });
    this.sizeSel = h("select", { name: "limit", id: "page-size" },
      SIZES.map((n) => h("option", { value: String(n) }, String(n))));
    this.sizeSel.addEventListener("change", () => this.navigate({ ...this.params, limit: this.sizeSel.value, offset: 0 }));
    this.first = h("button", { type: "button", class: "secondary", onclick: () => this.page(0) }, "First");
    this.prev = h("button", { type: "button", class: "secondary", onclick: () => this.page(-1) }, "Previous");
    this.next = h("button", { type: "button", class: "secondary", onclick: () => this.page(1) }, "Next");
    this.last = h("button", { type: "button", class: "secondary", onclick: () => this.page(Infinity) }, "Last");
    this.pageInfo = h("span", { "aria-live": "off" });
    const pager = h("nav", { class: "pager", "aria-label": "Pages" }, this.first, this.prev, this.pageInfo, this.next,
      this.last, h("label", { for: "page-size" }, "Per page"), this.sizeSel);
    this.tbody = h("tbody");
    this.table = h("table", { class: "events", "aria-describedby": "list-summary" },
      h("caption", { class: "sr-only" }, "Events, latest first"),
      h("thead", {}, h("tr", {}, [getProfile().date_zone === "UTC" ? "Time (UTC)" : "Time (UTC, local)", "Type", ...(hasFigures() ? ["Figures"] : []), "Sources",
        "Conflicts", "Review"].map((t) => h("th", { scope: "col" }, t)))),
      this.tbody);
    this.errorSlot = h("div");
    clear(this.root).append(
      h("h1", { tabindex: "-1" }, "Events"),
      this.form,
      h("div", { class: "list-bar" }, h("div", { class: "field" }, searchField, this.matchInfo), pager),
      this.summary, this.errorSlot,
      h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Event list" }, this.table));
  }

  page(step) {
    const limit = Number(this.params.limit || 50);
    const offset = Number(this.params.offset || 0);
    let target = step === 0 ? 0 : step === Infinity ? Math.max(0, Math.floor((this.total - 1) / limit) * limit)
      : offset + step * limit;
    target = Math.max(0, target);
    this.navigate({ ...this.params, offset: target });
  }

  async update(params) {
    this.params = params;
    for (const el of this.form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") el.checked = params[el.name] === el.value;
      else el.value = params[el.name] || "";
    }
    this.search.value = params.q || "";
    this.sizeSel.value = String(params.limit || 50);
    const serial = ++this.serial;
    this.table.setAttribute("aria-busy", "true");
    clear(this.errorSlot);
    let page;
    try {
      page = await api(`/events${query(eventsQuery(params))}`);
    } catch (err) {
      if (serial !== this.serial) return;
      this.table.removeAttribute("aria-busy");
      this.errorSlot.append(errorBox(err, { context: "Could not load events" }));
      return;
    }
    if (serial !== this.serial) return;  // a newer request is on its way
    this.total = page.total;
    clear(this.tbody).append(...page.items.map(row));
    if (!page.items.length) {
      this.tbody.append(h("tr", {}, h("td", { colspan: hasFigures() ? "6" : "5" }, "No events match these filters.")));
    }
    this.table.removeAttribute("aria-busy");
    const from = page.total ? page.offset + 1 : 0;
    const to = page.offset + page.items.length;
    const pages = Math.max(1, Math.ceil(page.total / page.limit));
    const current = Math.floor(page.offset / page.limit) + 1;
    this.summary.textContent = `Showing ${from}–${to} of ${page.total.toLocaleString("en-US")} events.`;
    this.pageInfo.textContent = `Page ${current.toLocaleString("en-US")} of ${pages.toLocaleString("en-US")}`;
    this.first.disabled = this.prev.disabled = page.offset === 0;
    this.next.disabled = this.last.disabled = to >= page.total;
    this.filterRows(false);
    announce(this.summary.textContent);
  }

  filterRows(fromTyping) {
    let q = this.search.value.trim().toLowerCase();
    if (q === (this.params.q || "").trim().toLowerCase()) q = "";  // the server already searched for it
    let shown = 0, all = 0;
    for (const tr of this.tbody.rows) {
      if (tr.searchText === undefined) continue;
      all += 1;
      const hit = !q || q.split(/\s+/).every((w) => tr.searchText.includes(w));
      tr.hidden = !hit;
      if (hit) shown += 1;
    }
    this.matchInfo.textContent = q ? `${shown} of ${all} on this page match` : "";
    if (fromTyping) {  // (the address keeps only what the server was asked: Enter puts q there)
      clearTimeout(this.typing);
      this.typing = setTimeout(() => announce(this.matchInfo.textContent || "Search cleared"), 600);
    }
  }
}
