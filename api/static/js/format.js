// Times in UTC and in the profile's local zones (KST, JST), numbers with units, durations.

import { getProfile } from "./profile.js";

export const LOCAL_ZONES = [
  { zone: "Asia/Seoul", label: "KST" },
  { zone: "Asia/Tokyo", label: "JST" },
];

const formatters = new Map();
function formatter(zone) {
  if (!formatters.has(zone)) {
    formatters.set(zone, new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23",
    }));
  }
  return formatters.get(zone);
}

// fractions of a second, as an ISO value gives them ("05:46:24.12Z" -> ".12"); none for epoch numbers (audit times)
function fraction(value) {
  const m = typeof value === "string" ? /T?\d{2}:\d{2}:\d{2}(\.\d+)/.exec(value) : null;
  return m ? m[1].replace(/0+$/, "").replace(/\.$/, "") : "";
}

function parts(date, zone, frac = "") {
  const p = Object.fromEntries(formatter(zone).formatToParts(date).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`,
    time: p.second === "00" && !frac ? `${p.hour}:${p.minute}` : `${p.hour}:${p.minute}:${p.second}${frac}` };
}

export function toDate(value) {
  if (value === null || value === undefined || value === "") return null;
  const d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2022-01-04 23:07:30 UTC" */
export function utc(value) {
  const d = toDate(value);
  if (!d) return "—";
  const p = parts(d, "UTC", fraction(value));
  return `${p.date} ${p.time} UTC`;
}

/** [{labels: "KST/JST", text: "2022-01-05 08:07:30"}]: zones that show the same wall time share one line. */
export function localTimes(value) {
  const d = toDate(value);
  const profile = getProfile();
  if (!d || (profile && profile.date_zone === "UTC")) return [];  // a kind dated in UTC (earthquakes): no local clock
  const out = [];
  for (const { zone, label } of LOCAL_ZONES) {
    const p = parts(d, zone, fraction(value));
    const text = `${p.date} ${p.time}`;
    const same = out.find((o) => o.text === text);
    if (same) same.labels += `/${label}`;
    else out.push({ labels: label, text });
  }
  return out;
}

export function localLine(value) {
  return localTimes(value).map((l) => `${l.text} ${l.labels}`).join(" · ");
}

/** A time interval, compactly: the date once when both ends share it. */
export function utcRange(low, high) {
  const a = toDate(low), b = toDate(high);
  if (!a || !b) return "—";
  const pa = parts(a, "UTC", fraction(low)), pb = parts(b, "UTC", fraction(high));
  if (pa.date === pb.date) return `${pa.date} ${pa.time}–${pb.time} UTC`;
  return `${pa.date} ${pa.time} – ${pb.date} ${pb.time} UTC`;
}

export function duration(seconds) {
  const s = Math.abs(seconds);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${+(s / 3600).toFixed(1)} h`;
  return `${+(s / 86400).toFixed(1)} days`;
}

export function number(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return (+x.toFixed(digits)).toLocaleString("en-US");
}

export function withUnit(x, unit) {
  if (x === null || x === undefined) return "—";
  return unit && unit !== "count" ? `${number(x)} ${unit}` : number(x);
}

/** "450–550 km" or "500 km" when the interval is a point. */
export function interval(low, high, unit) {
  if (low === null || low === undefined) return "—";
  if (high === null || high === undefined || low === high) return withUnit(low, unit);
  const u = unit && unit !== "count" ? ` ${unit}` : "";
  return `${number(low)}–${number(high)}${u}`;
}

