// The page's router: the part of the address after '#' says what to show, so reloading, the back button and shared
// links work with the single page the service serves at '/'.
//   #/?start=2022-01-01&unreviewed=1   the event list, filtered
//   #/events/E-199b4ef65f10            an event
//   #/upload                           submit a report, upload an archive

import { api, apiKey, query, setApiKey } from "./api.js";
import { clear, errorBox, h } from "./dom.js";
import { renderEvent } from "./event.js";
import { ListView } from "./list.js";
import { loadProfile } from "./profile.js";
import { renderUpload } from "./upload.js";

const main = document.getElementById("main");
let listView = null;
let firstRoute = true;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, qs] = raw.split("?");
  return { path: decodeURIComponent(path), params: Object.fromEntries(new URLSearchParams(qs || "")) };
}

function navigateList(params) {
  const clean = Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== "" && v !== undefined && v !== null
    && !(k === "offset" && Number(v) === 0)));
  window.location.hash = `#/${query(clean)}`;
}

function markNav(name) {
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

function focusHeading() {
  // after the first load, moving focus to the new heading tells screen-reader users the page changed
  if (firstRoute) { firstRoute = false; return; }
  const h1 = main.querySelector("h1");
  if (h1) h1.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function route() {
  const { path, params } = parseHash();
  const eventMatch = path.match(/^\/events\/([^/]+)$/);
  try {
    await loadProfile();
  } catch (err) {
    clear(main).append(h("h1", { tabindex: "-1" }, "Conflict review"), errorBox(err, { context: "Could not reach the service" }));
    return;
  }
  if (eventMatch) {
    listView = null;
    markNav(null);
    await renderEvent(main, eventMatch[1]);
    focusHeading();
  } else if (path === "/upload") {
    listView = null;
    markNav("upload");
    renderUpload(main);
    focusHeading();
  } else {
    markNav("list");
    document.title = "Events · conflict review";
    sessionStorage.setItem("reconcile.listHash", window.location.hash || "#/");
    const fresh = !listView;
    if (fresh) listView = new ListView(main, navigateList);
    await listView.update(params);
    if (fresh) focusHeading();
  }
}

function keyPanel() {
  const state = document.getElementById("key-state");
  const form = document.getElementById("key-form");
  const input = document.getElementById("key-input");
  const show = () => { state.textContent = apiKey() ? "set" : "none"; };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    setApiKey(input.value.trim());
    input.value = "";
    document.getElementById("key-panel").open = false;
    route();
  });
  document.getElementById("key-forget").addEventListener("click", () => { setApiKey(""); input.value = ""; route(); });
  document.addEventListener("apikey", show);
  show();
}

async function health() {
  const el = document.getElementById("health");
  try {
    const x = await api("/health");
    el.textContent = `${x.events.toLocaleString("en-US")} events from ${x.reports.toLocaleString("en-US")} reports · ` +
      `${x.database} · profile ${x.profile}${x.dev_mode ? " · development mode (no key needed)" : ""}`;
  } catch {
    el.textContent = "The service did not answer /health.";
  }
}

keyPanel();
health();
window.addEventListener("hashchange", route);
route();
