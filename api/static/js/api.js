// Calls to the service: the API key (if any) from sessionStorage as X-API-Key, the service's error body
// {"error": {"status", "code", "message", "problems"}} turned into an ApiError.

const KEY = "reconcile.apiKey";

export function apiKey() {
  try { return sessionStorage.getItem(KEY) || ""; } catch { return ""; }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
  } catch { /* storage refused (private mode): the key lasts until the page closes */ }
  document.dispatchEvent(new CustomEvent("apikey"));
}

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const e = (body && body.error) || {};
    super(e.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || "http_error";
    this.problems = e.problems || [];
  }
}

function headers(extra) {
  const out = { Accept: "application/json", ...extra };
  const key = apiKey();
  if (key) out["X-API-Key"] = key;
  return out;
}

async function parse(response) {
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data, text.slice(0, 200) || response.statusText);
  return data;
}

/** GET/POST/PATCH JSON. A body that is not FormData is sent as JSON. Redirects (a merged event) are followed;
 *  the caller sees the survivor's document. */
export async function api(path, { method = "GET", body, signal } = {}) {
  const init = { method, signal, headers: headers() };
  if (body !== undefined) {
    if (body instanceof FormData) init.body = body;
    else { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, null, `the service did not answer (${err.message})`);
  }
  return parse(response);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** POST /batches with the file as the raw body (streamed to disk by the service, no multipart parsing), reporting
 *  upload progress (0..1) as it goes. The format comes from the choice made, else from the name and content. */
export function uploadArchive(file, { format, onProgress, onXhr } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/batches${query({ filename: file.name, format })}`);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total, e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data, xhr.statusText));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, null, "the upload failed (network error)")));
    xhr.addEventListener("abort", () => reject(new ApiError(0, null, "the upload was cancelled")));
    if (onXhr) onXhr(xhr);
    xhr.send(file);
  });
}
