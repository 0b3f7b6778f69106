// Building DOM without innerHTML: every value from the API is inserted as text, never parsed as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
}

/** h("a", {href: "#/"}, "text", child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Says something to screen readers through the page's polite live region (and keeps it readable in tests). */
export function announce(message) {
  const region = document.getElementById("announce");
  if (!region) return;
  region.textContent = "";
  // a fresh text node after the clear makes screen readers announce a repeated message again
  requestAnimationFrame(() => { region.textContent = message; });
}

let uid = 0;
/** A page-unique id with a readable prefix, for label/aria references. */
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A visually hidden span: words for screen readers where the eye gets a colour or an icon. */
export function srOnly(text) {
  return h("span", { class: "sr-only" }, text);
}

/** A labelled form control: returns the wrapper; the control is wrapper.control. */
export function field(label, control, { hint, className } = {}) {
  const id = control.id || uniqueId(control.name || "f");
  control.id = id;
  const hintEl = hint ? h("span", { class: "hint small", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  const wrapper = h("div", { class: `field ${className || ""}`.trim() }, h("label", { for: id }, label), control, hintEl);
  wrapper.control = control;
  return wrapper;
}

export function badge(text, className, title) {
  return h("span", { class: `badge ${className || ""}`.trim(), title }, text);
}

/** The error box for an ApiError or any exception, with the problems the API listed. */
export function errorBox(err, { context } = {}) {
  const problems = (err && err.problems) || [];
  return h("div", { class: "error", role: "alert" },
    h("strong", {}, context ? `${context}: ` : "", err && err.message ? err.message : String(err)),
    problems.length ? h("ul", {}, problems.map((p) => h("li", {}, p.field ? `${p.field}: ` : "", p.reason))) : null,
    err && err.status === 401
      ? h("p", {}, "Enter an API key under “API key” at the top of the page.")
      : null);
}
