"""One episode to its reports: which agencies report what, the injected disagreements, flashes and revisions,
malformed records, and the truth event."""

from __future__ import annotations

import bisect
import json
import random
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import gen_catalog as cat
from gen_styles import Num, inside, iso_instant, overlap_gap, quantity, time_form

if TYPE_CHECKING:
    from generate import Episode, Generator, _Writer

try:
    import orjson

    def dumps(obj: Any) -> bytes:
        return orjson.dumps(obj)
except ImportError:  # pragma: no cover - orjson is a dependency of reconcile
    def dumps(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


class Picker:
    """Weighted choice by bisection over cumulative weights."""

    def __init__(self, items: Any) -> None:
        pairs = list(items)
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


INJECT_RATES = {"quantity": 0.08, "event_type": 0.03, "count": 0.03, "landing_area": 0.02, "time": 0.02}
MALFORMED_RATE = 0.0021  # per final report: about 0.2% of all records
REVISION_RATE = 0.10
MINUTE_SOURCES = ("JMOD", "JCS", "INDOPACOM", "JCG")  # times to the minute (KCNA gives dates)
TIME_MAJOR = 600 + 120  # the rule says a gap of 10 minutes; keep a margin
_NAMES = {k: Picker(v) for k, v in cat.SOURCE_NAMES.items()}
_LANGS = {k: Picker(v) for k, v in cat.LANG_MIX.items()}
_NSRC = Picker(((2, 0.25), (3, 0.35), (4, 0.25), (5, 0.15)))

TIME_RATE = {"JMOD": 1.0, "JCS": 1.0, "INDOPACOM": 0.85, "KCNA": 0.9, "JCG": 1.0}
ORDER = ("event_type", "time", "launch_site", "landing_area", "direction", "count", "distance", "apogee",
         "speed", "flight_time")
LONG_FLIGHT = ("ICBM", "IRBM", "hypersonic missile")
QUANTITY_MAJOR = 0.12  # the rule says 10% of the larger value; keep a margin


def _pick(rng: random.Random, seq: tuple[str, ...] | list[str]) -> str:
    return seq[int(rng.random() * len(seq))]


def _plan(rng: random.Random, ep: Episode, src: str) -> set[str]:
    fields = {"time"} if rng.random() < TIME_RATE[src] else set()
    for f, p in cat.FIELD_RATES[src].items():
        if (f == "apogee" and ep.apogee is None or f == "flight_time" and ep.spec.name not in LONG_FLIGHT
                or f == "speed" and ep.mach is None):
            continue
        if rng.random() < p:
            fields.add(f)
    return fields


def _inject(gen: Generator, ep: Episode, plans: dict[str, set[str]]) -> dict[str, tuple[str, Any]]:
    """Choose this episode's disagreements: field -> (offending source, parameter). Rates accrue as debt that
    is paid by the next episode where the disagreement can happen, so the overall rates hold."""
    rng, srcs = gen.rng, ep.sources
    out: dict[str, tuple[str, Any]] = {}
    for kind, rate in INJECT_RATES.items():
        gen.debt[kind] += rng.random() < rate

    def pair(able: list[str], field: str, prefer: tuple[str, ...] = ()) -> tuple[str, str] | None:
        if len(able) < 2:
            return None
        off = next((s for s in prefer if s in able and rng.random() < 0.7), None) or _pick(rng, able)
        partner = _pick(rng, [s for s in able if s != off])
        plans[off].add(field)
        plans[partner].add(field)
        return off, partner

    if gen.debt["quantity"]:
        f = "apogee" if ep.apogee is not None and rng.random() < 0.4 else "distance"
        p = pair([s for s in srcs if cat.FIELD_RATES[s].get(f, 0) > 0], f, prefer=("KCNA",))
        if p:
            up = rng.random() < (0.8 if p[0] == "KCNA" else 0.5)  # KCNA tends to exaggerate
            out[f] = (p[0], (1 if up else -1) * rng.uniform(0.25, 0.6))
            gen.debt["quantity"] -= 1
    if gen.debt["event_type"] and ep.spec.family in ("ballistic", "slv"):
        p = pair(list(srcs), "event_type", prefer=("KCNA",) if ep.spec.family == "ballistic" else ())
        if p:
            out["event_type"] = (p[0], None)
            gen.debt["event_type"] -= 1
    if gen.debt["count"]:
        p = pair(list(srcs), "count")
        if p:
            wrong = ep.count + 1 if ep.count == 1 or rng.random() < 0.5 else ep.count - 1
            out["count"] = (p[0], wrong)
            gen.debt["count"] -= 1
    if gen.debt["landing_area"] and ep.landing != "yellow_sea":
        p = pair(list(srcs), "landing_area")
        if p:
            out["landing_area"] = (p[0], p[1])
            gen.debt["landing_area"] -= 1
    if gen.debt["time"]:
        p = pair([s for s in srcs if s in MINUTE_SOURCES], "time")
        if p:
            out["time"] = (p[0], rng.choice((-1, 1)) * rng.randint(15, 19))
            gen.debt["time"] -= 1
    return out


def _quantities(rng: random.Random, v: float, holders: list[str], langs: dict[str, str],
                inj: tuple[str, Any] | None) -> dict[str, Num]:
    off, dev = inj if inj else (None, 0.0)
    tight = False
    for _ in range(8):
        vals = {s: quantity(rng, v * (1 + dev) if s == off else v, s, langs[s], tight=tight) for s in holders}
        if off is None:
            return vals
        a = vals[off]
        if any(overlap_gap(a[1:], b[1:]) > QUANTITY_MAJOR * max(a[2], b[2])
               for s, b in vals.items() if s != off):
            return vals
        tight, dev = True, (1 if dev > 0 else -1) * min(0.6, abs(dev) + 0.08)
    raise AssertionError(f"could not make a major disagreement on {v} ({vals})")


def _event_type(rng: random.Random, ep: Episode, src: str, lang: str, *, wrong: bool) -> str:
    name = ep.spec.name
    if wrong:
        name = "ballistic missile" if ep.spec.family == "slv" else "satellite launch vehicle"
    elif name in ("SRBM", "IRBM", "ICBM", "SLBM"):
        name = name if src == "KCNA" or rng.random() < 0.5 else "ballistic missile"
    elif name == "hypersonic missile":
        name = name if src == "KCNA" or rng.random() < 0.15 else "ballistic missile"
    forms = cat.TYPE_FORMS[name][lang]
    if ep.count == 1:
        forms = tuple(f for f in forms if not f.endswith("s")) or forms
    return _pick(rng, forms)


def _landing(rng: random.Random, ep: Episode, src: str, lang: str, *, eez: bool | None,
             explicit: bool) -> str:
    forms = cat.SEA_FORMS[ep.landing]
    if eez is not None and (explicit or rng.random() < {"JMOD": 0.7, "JCG": 0.9}.get(src, 0.03)):
        if lang == "ja":
            return forms["ja"][0] + cat.EEZ_JA[eez][rng.random() < 0.3]
        return f"{cat.JAPAN_SEA_EN[ep.landing]}, {_pick(rng, cat.EEZ_EN[eez])}"
    if src == "KCNA" and lang == "en":
        return _pick(rng, forms["kcna"])
    return _pick(rng, forms[lang])


def _count(rng: random.Random, n: int, lang: str, *, exact: bool) -> Any:
    if lang in ("ko", "ja"):
        return f"{n}{'발' if lang == 'ko' else '発'}"
    roll = rng.random()
    if roll < 0.4:
        return n
    if roll < 0.75 or exact:
        return cat.COUNT_WORDS[n]
    return str(n) if roll < 0.85 else f"at least {cat.COUNT_WORDS[n]}"


def _text(rec: dict[str, Any], lang: str) -> str:
    """A one-line summary in the report's language, saying nothing the fields do not."""
    if lang == "ko":
        where = f"{rec['launch_site']}에서 " if "launch_site" in rec else ""
        return f"북한이 {where}{rec.get('event_type', '미사일')} 발사"
    if lang == "ja":
        return f"北朝鮮が{rec.get('event_type', 'ミサイル')}を発射"
    what = rec.get("event_type", "missile")
    if not what.endswith("s") and what.isascii():
        what = ("an " if what[0] in "AEIOUaeiou" else "a ") + what
    site, sea = rec.get("launch_site", ""), rec.get("landing_area", "")
    where = f" from {site}" if site.isascii() and site else ""
    into = f" into the {sea}" if sea.isascii() and sea else ""
    return f"North Korea launched {what}{where}{into}."


def render_episode(gen: Generator, ep: Episode, w: _Writer, *, budget: int) -> int:
    rng = gen.rng
    full = budget >= 16  # room for revisions and malformed records; the last episode is plain
    ep.sources = gen.pick_sources(ep, min(_NSRC(rng), budget))
    plans = {s: _plan(rng, ep, s) for s in ep.sources}
    langs = {s: _LANGS[s](rng) for s in ep.sources}
    inj = _inject(gen, ep, plans) if full and len(ep.sources) > 1 else {}
    issued = {s: gen.issued_at(ep, s) for s in ep.sources}
    flash_at = {s: ep.t + rng.uniform(2, 12) * 60 for s in ep.sources
                if full and s in ("JMOD", "JCS") and rng.random() < REVISION_RATE}
    for s, at in flash_at.items():
        issued[s] = max(issued[s], at + rng.uniform(25, 200) * 60)

    vals: dict[str, dict[str, Any]] = {s: {} for s in ep.sources}
    for f, v in (("distance", ep.distance), ("apogee", ep.apogee)):
        holders = [s for s in ep.sources if f in plans[s]]
        if v is None or not holders:
            continue
        for s, (raw, lo, hi) in _quantities(rng, v, holders, langs, inj.get(f)).items():
            assert s == inj.get(f, ("",))[0] or inside(v, lo, hi), (f, v, raw, lo, hi)
            vals[s][f] = raw
    t_off, shift = inj.get("time", ("", 0))
    times: dict[str, tuple[float, float]] = {}
    for s in ep.sources:
        p, lang, val = plans[s], langs[s], vals[s]
        if "time" in p:
            raw, lo, hi = time_form(rng, ep.t, s, lang, issued=issued[s], exact="time" in inj,
                                    shift_min=shift if s == t_off else 0)
            assert s == t_off or lo <= ep.t <= hi, (raw, ep.t, lo, hi)
            val["time"], times[s] = raw, (lo, hi)
        if "event_type" in p:
            val["event_type"] = _event_type(rng, ep, s, lang, wrong=inj.get("event_type", ("",))[0] == s)
        if "launch_site" in p:
            val["launch_site"] = _pick(rng, getattr(cat.SITES[ep.site], lang))
        if "landing_area" in p:
            e_off, e_partner = inj.get("landing_area", ("", ""))
            eez = (not ep.eez) if s == e_off else ep.eez
            val["landing_area"] = _landing(rng, ep, s, lang, eez=eez, explicit=s in (e_off, e_partner))
        if "direction" in p:
            val["direction"] = _pick(rng, cat.DIRECTION_FORMS[ep.direction][lang])
        if "count" in p:
            c_off, wrong = inj.get("count", ("", 0))
            val["count"] = _count(rng, wrong if s == c_off else ep.count, lang, exact="count" in inj)
        if "speed" in p and ep.mach:
            val["speed"] = f"마하 {ep.mach:g}" if lang == "ko" else f"about Mach {ep.mach:g}"
        if "flight_time" in p:
            val["flight_time"] = f"約{round(ep.flight_min)}分間" if lang == "ja" else \
                f"about {round(ep.flight_min)} minutes"
    if "time" in inj:  # the shifted minute must stand clear of every other minute-precision report
        assert max(overlap_gap(times[t_off], v) for s, v in times.items() if s in MINUTE_SOURCES) > TIME_MAJOR

    members: list[dict[str, Any]] = []
    made = 0
    for s in ep.sources:
        off = -10 if s == "INDOPACOM" else 9
        supersedes = None
        if s in flash_at:
            fid = gen.new_id(s, flash_at[s])
            flash = {"id": fid, "source": _NAMES[s](rng), "issued_at": iso_instant(flash_at[s], off)}
            generic = {"ko": "탄도미사일", "ja": "弾道ミサイル"}.get(langs[s], "ballistic missile")
            flash["event_type"] = generic if ep.spec.family == "ballistic" else ep.spec.name
            flash["time"] = time_form(rng, ep.t, s, langs[s], issued=flash_at[s])[0]
            if rng.random() < 0.5:
                flash["count"] = "at least one"
            if rng.random() < 0.4:  # a preliminary figure, corrected by the revision
                flash["distance"] = quantity(rng, ep.distance * rng.uniform(0.75, 1.3), s, langs[s])[0]
            w.push(flash_at[s], dumps(flash))
            members.append({"source": s, "id": fid})
            supersedes, made = fid, made + 1
            gen.stats.revisions += 1
        rid = gen.new_id(s, issued[s])
        rec: dict[str, Any] = {"id": rid, "source": _NAMES[s](rng),
                               "issued_at": iso_instant(issued[s], 0 if rng.random() < 0.5 else off)}
        if supersedes:
            rec["supersedes"] = supersedes
        val = vals[s]
        for f in ORDER:
            if f in val:
                rec[f] = val[f]
        if "text" in plans[s]:
            rec["text"] = _text(rec, langs[s])
        w.push(issued[s], dumps(rec))
        members.append({"source": s, "id": rid})
        made += 1
        if full and rng.random() < MALFORMED_RATE:
            made += _malformed(gen, w, rec, s, issued[s] + rng.uniform(1, 30) * 60)

    conflicts = [{"field": f, "severity": "major"} for f in ORDER if f in inj]
    for c in conflicts:
        gen.stats.injected[c["field"]] += 1
    event: dict[str, Any] = {"id": f"T{ep.n}", "reports": members, "conflicts": conflicts}
    if gen.detail:
        event["truth"] = {"time": iso_instant(ep.t, 0), "event_type": ep.spec.name, "launch_site": ep.site,
                          "landing_area": ep.landing, "inside_japan_eez": ep.eez, "direction": ep.direction,
                          "count": ep.count, "distance": ep.distance, "apogee": ep.apogee}
    w.event(event)
    return made


def _malformed(gen: Generator, w: _Writer, rec: dict[str, Any], src: str, at: float) -> int:
    """A garbled sibling of ``rec``: a distance without a number, a time that is no time, no source, or a line
    that is not JSON. Listed in the truth's rejects."""
    bad = dict(rec)
    bad.pop("supersedes", None)
    bad["id"] = gen.new_id(src, at)
    kind = _pick(gen.rng, ("distance", "time", "source", "json"))
    source: str | None = src
    if kind == "distance":
        bad["distance"] = "far"
    elif kind == "time":
        bad["time"] = "soon"
    elif kind == "source":
        del bad["source"]
        source = None
    push_malformed(w, at, bad, kind, source)
    return 1


def push_malformed(w: _Writer, at: float, bad: dict[str, Any], kind: str, source: str | None) -> None:
    """Write a garbled record (cut in half when ``kind`` is "json": a line that is not JSON) and list it in the
    truth's rejects."""
    text = dumps(bad).decode()
    payload = text[: max(12, len(text) // 2)].encode() if kind == "json" else text.encode()
    w.push(at, payload, {"source": source, "id": bad["id"]})
