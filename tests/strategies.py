"""Reusable hypothesis strategies for reports of the missile-launch profile.

Each value strategy draws the *meaning* together with a way of writing it, so that tests can check what the
library reads against what was meant:

- ``sources()``      -> (canonical code, the agency as written: code, name, alias, or an unknown agency)
- ``instants()``     -> a UTC instant (float seconds) in 2017-2024
- ``times()``        -> (instant, text) with the instant written in one of several formats and zones
- ``distances()``    -> (km, text) with an optional hedge and unit
- ``places()``       -> (place id, a name or alias of it from the gazetteer)
- ``event_types()``  -> (term code, a label or alias of it)
- ``records()``      -> one report record (a dict as parsed from JSON); ``archives()`` -> a list of them with
                        distinct ids, some revising others
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from reconcile import load_profile

PROFILE = load_profile("missile_launch")

UNKNOWN_AGENCIES = ("Yonhap News Agency", "Reuters", "38 North", "NHK")

SOURCE_FORMS: list[tuple[str, str]] = sorted(
    {(code, form) for code, s in PROFILE.sources.items() for form in (code, s.name, *s.aliases)}
)


def sources(*, unknown: bool = True) -> st.SearchStrategy[tuple[str, str]]:
    known = st.sampled_from(SOURCE_FORMS)
    if not unknown:
        return known
    return st.one_of(known, st.sampled_from([(a, a) for a in UNKNOWN_AGENCIES]))


def instants() -> st.SearchStrategy[float]:
    return st.datetimes(min_value=datetime(2017, 1, 1), max_value=datetime(2024, 12, 31),
                        timezones=st.just(UTC)).map(lambda d: float(int(d.timestamp())))


ZONES = {"JST": "Asia/Tokyo", "KST": "Asia/Seoul", "HST": "Pacific/Honolulu"}
_MON = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _ampm(d: datetime) -> str:
    return f"{d.hour % 12 or 12}:{d.minute:02d} {'a.m.' if d.hour < 12 else 'p.m.'}"


def _write_time(t: float, form: str, abbr: str) -> str:
    utc = datetime.fromtimestamp(t, UTC)
    local = utc.astimezone(ZoneInfo(ZONES[abbr]))
    if form == "iso-offset":
        return local.isoformat(timespec="minutes")
    if form == "iso-z":
        return utc.strftime("%Y-%m-%dT%H:%MZ")
    if form == "iso-zone-word":
        return local.strftime("%Y-%m-%d %H:%M ") + abbr
    if form == "english":
        return f"{_ampm(local)} {abbr} on {_MON[local.month - 1]} {local.day}, {local.year}"
    if form == "english-around":
        return f"around {_ampm(local)} {abbr} on {_MON[local.month - 1]} {local.day}, {local.year}"
    if form == "japanese":  # Japan time, said so
        jst = utc.astimezone(ZoneInfo("Asia/Tokyo"))
        return f"日本時間{jst.year}年{jst.month}月{jst.day}日 {jst.hour}時{jst.minute:02d}分頃"
    if form == "korean":
        kst = utc.astimezone(ZoneInfo("Asia/Seoul"))
        half = "오전" if kst.hour < 12 else "오후"
        hour = kst.hour % 12 or 12
        return f"한국시간 {kst.year}년 {kst.month}월 {kst.day}일 {half} {hour}시 {kst.minute:02d}분경"
    if form == "date":
        return local.strftime("%Y-%m-%d") + f" {abbr}"
    raise ValueError(form)


TIME_FORMS = ("iso-offset", "iso-z", "iso-zone-word", "english", "english-around", "japanese", "korean",
              "date")


def times(forms: tuple[str, ...] = TIME_FORMS) -> st.SearchStrategy[tuple[float, str]]:
    """An instant (truncated to the minute) and a text that means that minute (or the day, for ``date``)."""
    @st.composite
    def _times(draw: st.DrawFn) -> tuple[float, str]:
        t = draw(instants())
        t -= t % 60
        form = draw(st.sampled_from(forms))
        abbr = draw(st.sampled_from(sorted(ZONES)))
        return t, _write_time(t, form, abbr)
    return _times()


KM_UNITS = {"km": 1.0, "kilometres": 1.0, "キロ": 1.0, "킬로미터": 1.0, "miles": 1.609344,
            "nautical miles": 1.852}
HEDGES = ("", "about ", "around ", "approximately ", "約", "약 ", "more than ", "less than ")


@st.composite
def distances(draw: st.DrawFn) -> tuple[float, str]:
    """A distance in km and how a report writes it."""
    n = draw(st.integers(1, 6000))
    unit = draw(st.sampled_from(sorted(KM_UNITS)))
    hedge = draw(st.sampled_from(HEDGES))
    sep = draw(st.sampled_from(["", " "]))
    number = f"{n:,}" if draw(st.booleans()) else str(n)
    return n * KM_UNITS[unit], f"{hedge}{number}{sep}{unit}"


PLACE_FORMS: list[tuple[str, str]] = sorted(
    {(p.id, form) for p in PROFILE.places for form in (p.name, *p.aliases)}
)
LAUNCH_SITES = sorted(
    {p.id for p in PROFILE.places if p.kind in ("site", "district", "county", "city", "province")}
)


def places(ids: list[str] | None = None) -> st.SearchStrategy[tuple[str, str]]:
    forms = PLACE_FORMS if ids is None else [f for f in PLACE_FORMS if f[0] in ids]
    return st.sampled_from(forms)


def _term_forms(taxonomy: str) -> list[tuple[str, str]]:
    spec = PROFILE.taxonomies[taxonomy]
    return sorted({(c, form) for c, t in spec.terms.items() for form in (*t.aliases, c.replace("_", " "))})


def event_types() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(_term_forms("event_type"))


LANDING = ["East Sea", "Sea of Japan, outside Japan's EEZ", "Sea of Japan, inside Japan's EEZ", "동해상",
           "日本海", "Pacific Ocean", "Yellow Sea"]


@st.composite
def records(draw: st.DrawFn, rid: str | None = None, *, base: float | None = None) -> dict[str, object]:
    """One report: an id, an agency in any form, a time near ``base`` (or anywhere), and some optional fields.
    Some records are deliberately bad (a distance that is not one), to exercise the rejects."""
    _, source = draw(sources())
    rec: dict[str, object] = {"id": rid or draw(st.text("abcdefghijkl0123456789-", min_size=1, max_size=10)),
                              "source": source}
    if base is None:
        rec["time"] = draw(times())[1]
    else:  # within an hour and a half of the moment, so that reports meet
        t = base - base % 60 + 60 * draw(st.integers(-90, 90))
        rec["time"] = _write_time(t, draw(st.sampled_from(TIME_FORMS)), draw(st.sampled_from(sorted(ZONES))))
    if draw(st.booleans()):
        rec["distance"] = draw(st.one_of(distances().map(lambda d: d[1]), st.just("far")))
    if draw(st.booleans()):
        rec["launch_site"] = draw(places(LAUNCH_SITES))[1]
    if draw(st.booleans()):
        rec["landing_area"] = draw(st.sampled_from(LANDING))
    if draw(st.booleans()):
        rec["event_type"] = draw(event_types())[1]
    if draw(st.booleans()):
        rec["count"] = draw(st.sampled_from(["1", "two", "2 or 3", "at least two", 3, "several"]))
    return rec


@st.composite
def archives(draw: st.DrawFn, max_size: int = 12) -> list[dict[str, object]]:
    """A small archive around one or two moments: ids distinct, some reports revising an earlier one of the
    same agency as written."""
    bases = draw(st.lists(instants(), min_size=1, max_size=2))
    n = draw(st.integers(1, max_size))
    out: list[dict[str, object]] = []
    for k in range(n):
        rec = draw(records(f"r{k}", base=draw(st.sampled_from(bases))))
        earlier = [r for r in out if r["source"] == rec["source"]]
        if earlier and draw(st.booleans()):
            rec["supersedes"] = draw(st.sampled_from(earlier))["id"]
            issued = datetime.fromtimestamp(bases[0], UTC) + timedelta(days=1, minutes=k)
            rec["issued_at"] = issued.isoformat()
        out.append(rec)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Prose, for free-text extraction: sentences in the style of wire stories, and arbitrary noise around them.

# agencies as wire stories name them, with the code they stand for
SPEAKERS = (("JMOD", "Japan's defence ministry"), ("JMOD", "Japan's Defense Ministry"),
            ("JCS", "South Korea's Joint Chiefs of Staff"), ("JCS", "Seoul's Joint Chiefs of Staff"),
            ("JCS", "South Korea's military"), ("KCNA", "North Korea's state media"), ("KCNA", "KCNA"),
            ("INDOPACOM", "U.S. Indo-Pacific Command"), ("JCG", "Japan's coast guard"))
_WIRE_DISTANCE_UNITS = ("km", "kilometers", "kilometres", "miles")


@st.composite
def wire_distances(draw: st.DrawFn) -> str:
    """A distance as an English wire story writes it, possibly with the other unit in brackets."""
    n = draw(st.integers(20, 9000))
    unit = draw(st.sampled_from(_WIRE_DISTANCE_UNITS))
    hedge = draw(st.sampled_from(("", "about ", "some ", "more than ", "around ")))
    text = f"{hedge}{n:,} {unit}"
    if draw(st.booleans()):
        other = "miles" if unit != "miles" else "km"
        text += f" ({round(n / 1.609344) if other == 'miles' else round(n * 1.609344):,} {other})"
    return text


@st.composite
def wire_sentences(draw: st.DrawFn) -> str:
    """One sentence of a wire story: an agency saying something about a launch, or background."""
    speaker = draw(st.sampled_from(SPEAKERS))[1]
    what = draw(event_types())[1]
    where = draw(places(LAUNCH_SITES))[1]
    sea = draw(st.sampled_from(["East Sea", "Sea of Japan"]))
    forms = [
        f"{speaker} said the missile flew {draw(wire_distances())}.",
        f"North Korea fired {draw(st.sampled_from(['two', 'three', 'a', 'one']))} {what} from {where}, "
        f"{speaker} said.",
        f"The missile was launched at {draw(st.integers(1, 12))}:{draw(st.integers(0, 59)):02d} "
        f"{draw(st.sampled_from(['a.m.', 'p.m.']))} and landed in the {sea}, according to {speaker}.",
        f"{speaker} said it reached an altitude of {draw(wire_distances())} and flew {draw(wire_distances())} "
        f"{draw(st.sampled_from(['eastward', 'northeast', 'toward the east', '']))}.",
        f"It was the {draw(st.sampled_from(['third', 'ninth']))} launch this year, {speaker} said.",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def wire_stories(draw: st.DrawFn) -> str:
    """A few paragraphs of wire-story sentences, sometimes with arbitrary text mixed in."""
    paras = draw(st.lists(st.lists(wire_sentences(), min_size=1, max_size=3), min_size=1, max_size=4))
    noise = draw(st.lists(st.text(max_size=40), max_size=3))
    blocks = [" ".join(p) for p in paras] + noise
    return "\n\n".join(draw(st.permutations(blocks)))
