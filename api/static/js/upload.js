// Submit one report through a form (POST /reports), or upload an archive (POST /batches) and follow it: the upload's
// bytes, then the service's progress through the file (GET /batches/{id}), counts and rejects.

import { api, uploadArchive } from "./api.js";
import { announce, clear, errorBox, field, h } from "./dom.js";
import { fieldTitle, getProfile } from "./profile.js";

const POLL_MS = 400;

const EXAMPLES = {
  time: "around 8:07 a.m. JST on Jan. 5, 2022", event_type: "ballistic missile", launch_site: "Jagang Province",
  landing_area: "East Sea, outside Japan's EEZ", direction: "eastward", count: "1", distance: "about 500 km",
  apogee: "50 km", speed: "Mach 5", flight_time: "about 10 minutes",
};

function reportForm(root) {
  const profile = getProfile();
  const inputs = {};
  const input = (name, attrs = {}) => { inputs[name] = h("input", { name, type: "text", autocomplete: "off", ...attrs }); return inputs[name]; };
  const sourceList = h("datalist", { id: "source-list" }, profile.sources.map((x) => h("option", { value: x.code, label: x.name })));
  const text = h("textarea", { name: "text" });
  inputs.text = text;
  const result = h("div", { class: "result", "aria-live": "polite" });
  const form = h("form", { class: "report-form", novalidate: true, "aria-describedby": "report-form-help" },
    h("p", { class: "wide muted small", id: "report-form-help" },
      "Values as the agency wrote them, in any of its languages; the service reads them. Only id and source are required, ",
      "and a time or the issue time."),
    field("Report id (required)", input("id", { required: true })),
    field("Source (required)", input("source", { required: true, list: "source-list" }), { hint: "agency code or name" }),
    sourceList,
    field("Issued at", input("issued_at"), { hint: "e.g. 2022-01-05T08:20:00+09:00" }),
    field("Supersedes", input("supersedes"), { hint: "the id of the source's earlier report this corrects" }),
    profile.fields.map((f) => field(fieldTitle(f.name), input(f.name), { hint: `e.g. ${EXAMPLES[f.name] || ""}` })),
    field("Text", text, { className: "wide" }),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Submit report"),
      h("button", { type: "reset", class: "secondary" }, "Clear")),
    result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const el of Object.values(inputs)) { el.removeAttribute("aria-invalid"); }
    for (const el of form.querySelectorAll(".problem")) el.remove();
    const body = {};
    for (const [name, el] of Object.entries(inputs)) if (el.value.trim()) body[name] = el.value.trim();
    const missing = ["id", "source"].filter((n) => !body[n]);
    if (missing.length) {
      for (const n of missing) markProblem(inputs[n], "required");
      result.replaceChildren(h("p", { class: "error", role: "alert" }, `Fill in: ${missing.join(", ")}.`));
      inputs[missing[0]].focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    result.replaceChildren(h("p", { class: "muted" }, "Submitting…"));
    try {
      const res = await api("/reports", { method: "POST", body });
      const r = res.reports[0];
      result.replaceChildren(h("div", { class: "success" },
        h("p", {}, `Report ${r.source} ${r.id}: ${r.status}.`, r.event ? [" Event: ", h("a", { href: `#/events/${encodeURIComponent(r.event)}` }, r.event)] : ""),
        res.conflicts_created.length ? h("ul", {}, res.conflicts_created.map((c) => h("li", {}, `New ${c.severity} conflict on ${c.field}: ${c.message}`))) : null,
        res.conflicts_cleared.length ? h("p", {}, `${res.conflicts_cleared.length} conflict(s) cleared.`) : null));
      announce(`Report ${r.id} ${r.status}${r.event ? ` in event ${r.event}` : ""}.`);
    } catch (err) {
      for (const p of err.problems || []) if (p.field && inputs[p.field]) markProblem(inputs[p.field], p.reason);
      result.replaceChildren(errorBox(err, { context: "Not submitted" }));
      const first = form.querySelector("[aria-invalid=true]");
      if (first) first.focus();
    } finally {
      button.disabled = false;
    }
  });
  form.addEventListener("reset", () => { result.replaceChildren(); for (const el of Object.values(inputs)) el.removeAttribute("aria-invalid"); });
  return form;
}

function markProblem(el, reason) {
  el.setAttribute("aria-invalid", "true");
  const id = `${el.id}-problem`;
  const msg = h("span", { class: "problem", id }, reason);
  el.insertAdjacentElement("afterend", msg);
  el.setAttribute("aria-describedby", [el.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
}

function archiveForm(root) {
  const file = h("input", { type: "file", name: "file", accept: ".jsonl,.ndjson,.csv,.json,text/csv,application/x-ndjson" });
  const format = h("select", { name: "format" }, [["", "Detect from the file"], ["jsonl", "JSON Lines"], ["csv", "CSV"]]
    .map(([v, t]) => h("option", { value: v }, t)));
  const sent = h("progress", { id: "upload-bytes", max: "1", value: "0" });
  const done = h("progress", { id: "batch-progress", max: "1", value: "0" });
  const status = h("p", { id: "batch-status", role: "status" }, "No upload yet.");
  const details = h("div", { id: "batch-details" });
  const cancel = h("button", { type: "button", class: "secondary", disabled: true }, "Cancel upload");
  const submit = h("button", { type: "submit" }, "Upload archive");
  let xhr = null;
  cancel.addEventListener("click", () => xhr && xhr.abort());
  const form = h("form", { class: "archive-form" },
    field("Archive (JSON Lines or CSV)", file),
    field("Format", format),
    h("div", { class: "buttons" }, submit, cancel),
    h("div", { class: "progress-block" }, h("label", { for: "upload-bytes" }, "Sent to the service"), sent),
    h("div", { class: "progress-block" }, h("label", { for: "batch-progress" }, "Processed by the service"), done),
    status, details);
  const say = (text) => { status.textContent = text; };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) { say("Choose a file first."); file.focus(); return; }
    submit.disabled = true; cancel.disabled = false;
    sent.value = 0; done.value = 0; clear(details);
    say(`Uploading ${f.name}…`);
    let lastTenth = -1;
    let batch;
    try {
      batch = await uploadArchive(f, { format: format.value || undefined, onXhr: (x) => { xhr = x; },
        onProgress: (p, loaded, total) => {
          sent.value = p;
          const tenth = Math.floor(p * 10);
          if (tenth !== lastTenth) { lastTenth = tenth; say(`Uploading ${f.name}: ${Math.round(p * 100)}% of ${(total / 1024).toFixed(0)} KiB`); }
        } });
    } catch (err) {
      submit.disabled = false; cancel.disabled = true;
      say("Upload failed.");
      details.replaceChildren(errorBox(err, { context: "Upload failed" }));
      return;
    }
    sent.value = 1; cancel.disabled = true;
    say(`Uploaded; batch ${batch.id} ${batch.status}.`);
    await follow(batch, { done, say, details, root });
    submit.disabled = false;
  });
  return form;
}

async function follow(batch, { done, say, details, root }) {
  let b = batch;
  let lastStatus = null;
  try {  // the batch as stored now: a small archive may be done before the upload's answer has arrived
    b = await api(`/batches/${encodeURIComponent(batch.id)}`);
  } catch (err) {
    details.append(errorBox(err, { context: "Lost track of the batch" }));
    return;
  }
  while (root.isConnected) {
    done.value = b.progress;
    const pct = Math.round(b.progress * 100);
    const text = `Batch ${b.id}: ${b.status}, ${pct}% — ${b.lines_done} lines, ${b.counts.created} created, ` +
      `${b.counts.unchanged} unchanged, ${b.counts.rejected} rejected.`;
    if (b.status !== lastStatus || b.status === "done" || b.status === "failed") { say(text); lastStatus = b.status; }
    renderBatch(details, b);
    if (b.status === "done" || b.status === "failed") {
      announce(text);
      return;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    try {
      b = await api(`/batches/${encodeURIComponent(b.id)}`);
    } catch (err) {
      details.append(errorBox(err, { context: "Lost track of the batch" }));
      return;
    }
  }
}

function renderBatch(el, b) {
  const item = (label, value) => h("div", {}, h("dt", {}, label), h("dd", {}, String(value)));
  el.replaceChildren(
    h("dl", { class: "summary" }, item("Status", b.status), item("Lines read", b.lines_done), item("Created", b.counts.created),
      item("Unchanged", b.counts.unchanged), item("Rejected", b.counts.rejected), item("File", `${b.filename} (${b.format})`)),
    b.error ? h("p", { class: "error" }, b.error) : null,
    b.rejects.length ? h("div", { class: "scroll" }, h("table", {}, h("caption", {}, `Rejected lines (${b.rejects_total}${b.rejects_total > b.rejects.length ? `, first ${b.rejects.length} shown` : ""})`),
      h("thead", {}, h("tr", {}, ["Line", "Report", "Problems"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, b.rejects.slice(0, 200).map((r) => h("tr", {}, h("td", {}, r.line ?? "—"), h("td", {}, `${r.source || ""} ${r.id || ""}`.trim() || "—"),
        h("td", {}, (r.problems || []).map((p) => `${p.field ? `${p.field}: ` : ""}${p.reason}`).join("; ") || r.reason || JSON.stringify(r))))))) : null);
}

export function renderUpload(root) {
  document.title = "Submit & upload · conflict review";
  clear(root).append(h("h1", { tabindex: "-1" }, "Submit a report or upload an archive"),
    h("div", { class: "upload-grid" },
      h("section", { "aria-labelledby": "submit-h" }, h("h2", { id: "submit-h" }, "One report"), reportForm(root)),
      h("section", { "aria-labelledby": "archive-h" }, h("h2", { id: "archive-h" }, "An archive"), archiveForm(root))));
}
