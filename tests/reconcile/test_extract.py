"""Free-text extraction: phrases found (table-driven), attribution to agencies (table-driven), the seed article as
the issue states it, Japanese and Korean statements, properties of spans and records over generated prose and
arbitrary text, the scorer, and the golden sets in fixtures/texts."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import InputError, Interval, Term, normalise_report
from reconcile.extract import extract_reports
from reconcile.extract.document import split_header
from reconcile.extract.lexicon import lexicon
from reconcile.extract.phrases import (
    find_bearings,
    find_counts,
    find_figures,
    find_places,
    find_times,
    find_types,
    find_zones,
)
from reconcile.extract.score import ExtractionCase, score_extraction
from reconcile.extract.text import Folded, sentences
from tests.strategies import PROFILE, SPEAKERS, wire_distances, wire_stories

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "fixtures" / "texts"
SEED = ROOT.parent / "shared" / "seed" / "2022-01-05-epoch-times-article.txt"


def _utc(s: str) -> float:
    return datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp()


def _by_source(text: str, profile, **kw) -> dict[str, dict[str, str]]:
    return {r.source: {k: v.value for k, v in r.fields.items()} for r in extract_reports(text, profile, **kw)}


def _read(report, profile) -> dict:
    return normalise_report(report.record, profile).values


# ---------------------------------------------------------------------------------------------------------------
# phrases

FIGURES = [
    ("dual units", "The projectile flew about 500 kilometers (about 310 miles) and landed",
     "about 500 kilometers (about 310 miles)", "distance"),
    ("altitude", "at a maximum altitude of 60 km", "60 km", "apogee"),
    ("target away", "precisely hit a target 700 km away", "700 km", "distance"),
    ("mach", "reaching a top speed of around Mach 10", "around Mach 10", "speed"),
    ("flight time", "flew for about 74 minutes and fell", "about 74 minutes", "flight_time"),
    ("seconds after a distance", "flew 989 km for 4,015 seconds", "4,015 seconds", "flight_time"),
    ("range", "between 110 and 670 kilometers (68 and 416 miles)", "between 110 and 670 kilometers (68 and 416 "
     "miles)", ""),
    ("not a flight", "fired over a 35-minute period", "35-minute", ""),
    ("relative position", "landed about 150 kilometers west of Okushiri", "about 150 kilometers", ""),
    ("japanese after", "最高高度約50km程度で、約600km飛翔し", "約600km", "distance"),
    ("japanese before", "最高高度約50km程度で、約600km飛翔し", "約50km程度", "apogee"),
    ("japanese more", "最高高度6,000kmを大きく超えるもので", "6,000kmを大きく超える", "apogee"),
    ("korean distance", "비행거리는 약 600여km, 고도는 약 60km", "약 600여km", "distance"),
    ("korean altitude", "비행거리는 약 600여km, 고도는 약 60km", "약 60km", "apogee"),
    ("korean mach", "속도는 약 마하 5로 탐지", "약 마하 5", "speed"),
    ("minutes japanese", "約71分間飛翔し", "約71分間", "flight_time"),
    ("korean thousands", "최고 고도는 6천km 이상에 달했다", "6천km 이상", "apogee"),
]


@pytest.mark.parametrize(("text", "phrase", "field"), [c[1:] for c in FIGURES], ids=[c[0] for c in FIGURES])
def test_figures(profile, text, phrase, field):
    found = {p.text: p.field for p in find_figures(text, lexicon(profile), ("km", "mach", "min"))}
    assert phrase in found, found
    assert found[phrase] == field


TIMES = [
    ("clock and date", "at around 8:07 a.m. on Jan. 5.", [("clock", "around 8:07 a.m."), ("date", "Jan. 5")]),
    ("gmt in brackets", "at 8:10 a.m. (2310 GMT Tuesday)", [("clock", "8:10 a.m.")]),
    ("zone", "at 3:15 p.m. HST, Nov. 17.", [("clock", "3:15 p.m. HST"), ("date", "Nov. 17")]),
    ("local time", "at 10:38 p.m. local time and", [("clock", "10:38 p.m. local time")]),
    ("24 hours", "at 17:22 on Saturday", [("clock", "17:22"), ("date", "Saturday")]),
    ("japanese with day", "18日午前8時24分ごろ、北朝鮮", [("clock", "18日午前8時24分ごろ")]),
    ("japanese era date", "令和4年1月5日", [("date", "令和4年1月5日")]),
    ("korean range", "오전 7시 41분경부터 7시 51분경까지", [("clock", "오전 7시 41분경"), ("clock", "7시 51분경")]),
    ("no duration as clock", "約1時間飛行", []),
    ("month and year", "since November 2017", [("month", "November 2017")]),
]


@pytest.mark.parametrize(("text", "want"), [c[1:] for c in TIMES], ids=[c[0] for c in TIMES])
def test_times(text, want):
    assert [(p.kind, p.text) for p in find_times(text)] == want


ZONES = [
    ("curly apostrophe", "landed outside of Japan’s exclusive economic zone.",
     "outside of Japan’s exclusive economic zone"),
    ("inside", "landing inside Japan's EEZ about", "inside Japan's EEZ"),
    ("japanese bracket", "我が国の排他的経済水域（EEZ）外に落下", "我が国の排他的経済水域（EEZ）外"),
    ("japanese equals", "日本のEEZ＝排他的経済水域の外側に落下", "日本のEEZ＝排他的経済水域の外側"),
    ("korean particle", "일본의 배타적경제수역(EEZ) 밖에 떨어진", "일본의 배타적경제수역(EEZ) 밖"),
]


@pytest.mark.parametrize(("text", "phrase"), [c[1:] for c in ZONES], ids=[c[0] for c in ZONES])
def test_zones(profile, text, phrase):
    assert [p.text for p in find_zones(text, lexicon(profile))] == [phrase]


COUNTS = [
    ("word", "North Korea fired two short-range ballistic missiles", ["two"]),
    ("hedged", "at least six missiles were launched", ["at least six"]),
    ("japanese counter", "1発の弾道ミサイルが", ["1発"]),
    ("korean counter", "탄도미사일 1발을 발사", ["1발"]),
    ("an article is no count", "fired a ballistic missile", []),
    ("not a counter", "2\u3000発射された弾道ミサイルは", []),
]


@pytest.mark.parametrize(("text", "want"), [c[1:] for c in COUNTS], ids=[c[0] for c in COUNTS])
def test_counts(profile, text, want):
    lex = lexicon(profile)
    assert [p.text for p in find_counts(text, find_types(text, Folded(text), lex))] == want


BEARINGS = [
    ("ward", "launched the missile eastward", ["eastward"]),
    ("japanese", "東方向に発射", ["東方向"]),
    ("korean", "동쪽 방향으로 발사", ["동쪽"]),
    ("a sea is a place", "fired toward the East Sea", []),
    ("a coast is a place", "off its east coast", []),
    ("relative position", "200 km east of Okushiri", []),
]


@pytest.mark.parametrize(("text", "want"), [c[1:] for c in BEARINGS], ids=[c[0] for c in BEARINGS])
def test_bearings(profile, text, want):
    lex = lexicon(profile)
    folded = Folded(text)
    assert [p.text for p in find_bearings(text, folded, lex, find_places(text, folded, lex))] == want


def test_sentences_keep_abbreviations_and_split_lines():
    text = "It fired at 8 a.m. HST on Jan. 5. The U.S. said so.\nHeadline\n\nNew paragraph 8 a.m. The end."
    got = [text[s.start:s.end] for s in sentences(text)]
    assert got == ["It fired at 8 a.m. HST on Jan. 5.", "The U.S. said so.", "Headline", "New paragraph 8 a.m.",
                   "The end."]


# ---------------------------------------------------------------------------------------------------------------
# attribution

ATTRIBUTION = [
    ("while, put it at",
     "Japan's defence ministry said the missile flew about 500 km, while Seoul's Joint Chiefs of Staff put it at "
     "700 km.",
     {"JMOD": {"distance": "about 500 km"}, "JCS": {"distance": "700 km"}}),
    ("according to, after",
     "The missiles flew 360 km at a maximum altitude of 90 km, according to the JCS.",
     {"JCS": {"distance": "360 km", "apogee": "90 km"}}),
    ("said, adding",
     "The missile flew about 600 km, the Joint Chiefs of Staff said, adding that it reached Mach 5.",
     {"JCS": {"distance": "about 600 km", "speed": "Mach 5"}}),
    ("two agencies, one verb",
     "South Korea's military and Japan's defence ministry said the missile flew about 400 km.",
     {"JCS": {"distance": "about 400 km"}, "JMOD": {"distance": "about 400 km"}}),
    ("it said",
     "Japan's Defense Ministry said the missile flew about 750 km. It said the missile fell outside Japan's "
     "exclusive economic zone.",
     {"JMOD": {"distance": "about 750 km", "landing_area": "outside Japan's exclusive economic zone"}}),
    ("said it detected",
     "Japan's Defense Ministry said the missile flew about 750 km.\n\nSouth Korea's Joint Chiefs of Staff said it "
     "detected the launch from the Pyongyang area.",
     {"JMOD": {"distance": "about 750 km"}, "JCS": {"launch_site": "Pyongyang area"}}),
    ("somebody else", "Analysts said the missile flew 1,000 km. It was new.", {}),
    ("the paragraph goes on",
     "The JCS said the missile was launched from Jagang Province. The missile flew about 700 km.",
     {"JCS": {"launch_site": "Jagang Province", "distance": "about 700 km"}}),
    ("a new paragraph does not",
     "The JCS said the missile was launched from Jagang Province.\n\nThe missile flew about 700 km.",
     {"JCS": {"launch_site": "Jagang Province"}}),
    ("a country speaks with a verb",
     "North Korea said it had tested a hypersonic missile.", {"KCNA": {"event_type": "hypersonic missile"}}),
    ("a country in a phrase does not",
     "North Korea fired a possible ballistic missile, authorities in Japan and South Korea say.", {}),
    ("an official's title", "Japanese Defense Minister Nobuo Kishi said the missile flew for 71 minutes.",
     {"JMOD": {"flight_time": "71 minutes"}}),
    ("the missile refers back", "South Korea's Joint Chiefs of Staff said North Korea launched the missile eastward.",
     {"JCS": {"direction": "eastward"}}),
    ("background", "Last week, the JCS said a missile flew 500 km.", {}),
    ("negation", "Japan's defence ministry said it was not immediately clear whether it was an ICBM.", {}),
    ("headline", "North Korea fires ballistic missile, Japan says\n\nThe missile flew 500 km.", {}),
    ("dateline", "Pyongyang, January 6 (KCNA) -- The hypersonic missile hit a target 700 km away.",
     {"KCNA": {"event_type": "hypersonic missile", "distance": "700 km"}}),
    ("japanese", "防衛省によりますと、北朝鮮は午前8時7分ごろ弾道ミサイル1発を東方向に発射しました。",
     {"JMOD": {"time": "午前8時7分ごろ", "event_type": "弾道ミサイル", "count": "1発", "direction": "東方向"}}),
    ("japanese reported speech",
     "防衛省によりますと、北朝鮮が弾道ミサイルを発射しました。\n\nミサイルは約500キロ飛行したということです。",
     {"JMOD": {"event_type": "弾道ミサイル", "distance": "約500キロ"}}),
    ("korean", "합동참모본부는 북한이 오늘 오전 8시 10분경 동해상으로 탄도미사일 1발을 발사했다고 밝혔다.",
     {"JCS": {"time": "오전 8시 10분경", "landing_area": "동해상으로", "event_type": "탄도미사일", "count": "1발"}}),
    ("not a type in a name", "일본 방위성은 이 미사일이 약 650km를 비행했다고 발표했다.",
     {"JMOD": {"distance": "약 650km"}}),
    ("not a bearing in a name", "The missile flew about 300 km, according to the South Korean military.",
     {"JCS": {"distance": "about 300 km"}}),
    ("a letterhead above a line naming a country",
     "Ministry of Defense, Japan\n\nNorth Korea's launch of ballistic missile\n\n1. At around 6:52 a.m. today, "
     "North Korea launched one ballistic missile toward the east.",
     {"JMOD": {"time": "around 6:52 a.m.", "count": "one", "event_type": "ballistic missile",
               "direction": "east"}}),
]


@pytest.mark.parametrize(("text", "want"), [c[1:] for c in ATTRIBUTION], ids=[c[0] for c in ATTRIBUTION])
def test_attribution(profile, text, want):
    assert _by_source(text, profile, published="2022-01-05T12:00:00+09:00") == want


def test_the_text_of_an_issuer_is_its_own(profile):
    text = "本日8時07分頃、北朝鮮内陸部から、弾道ミサイルの可能性があるものが東方向に発射されました。"
    assert _by_source(text, profile, published="2022-01-05T10:00:00+09:00", source="防衛省") == {
        "JMOD": {"time": "8時07分頃", "event_type": "弾道ミサイルの可能性", "direction": "東方向"}}
    assert _by_source(text, profile, published="2022-01-05T10:00:00+09:00") == {}


def test_a_statement_date_is_not_the_launch_date(profile):
    text = "North Korea said Thursday it had tested a hypersonic missile on Wednesday."
    got = extract_reports(text, profile, published="2022-01-06T15:00:00+09:00")
    (kcna,) = got
    assert kcna.fields["time"].value == "Wednesday"
    when = _read(kcna, profile)["time"]
    assert (when.lo, when.hi) == (_utc("2022-01-04T15:00:00"), _utc("2022-01-05T14:59:59"))


def test_a_clock_time_takes_the_launch_date_from_elsewhere_in_the_text(profile):
    text = ("North Korea fired a missile on Wednesday, South Korea's military said.\n\n"
            "The Joint Chiefs of Staff said it was launched at 8:10 a.m.")
    (jcs,) = extract_reports(text, profile, published="2022-01-06T09:00:00+09:00")
    assert jcs.fields["time"].value == "8:10 a.m. Wednesday"
    assert len(jcs.fields["time"].spans) == 2
    assert _read(jcs, profile)["time"].lo == _utc("2022-01-04T23:10:00")


# ---------------------------------------------------------------------------------------------------------------
# the seed article, as the issue states it


def _seed_text() -> tuple[dict[str, str], str]:
    return split_header((TEXTS / "tune" / "2022-01-05-epochtimes-seed.txt").read_text(encoding="utf-8"))


def test_the_fixture_holds_the_seed_article_verbatim():
    if not SEED.is_file():
        pytest.skip("../shared/seed is not present")
    assert _seed_text()[1] == SEED.read_text(encoding="utf-8")


def test_the_seed_article_yields_a_jmod_and_a_jcs_report(profile):
    meta, text = _seed_text()
    reports = {r.source: r for r in extract_reports(text, profile, published=meta["published"])}
    assert set(reports) == {"JMOD", "JCS"}

    jmod = _read(reports["JMOD"], profile)
    # 2022-01-05 around 08:07 JST: that minute, widened by "around" to +/- 5 minutes
    assert jmod["time"].best == _utc("2022-01-04T23:07:30")
    assert (jmod["time"].lo, jmod["time"].hi) == (_utc("2022-01-04T23:02:30"), _utc("2022-01-04T23:12:30"))
    # about 500 km (the miles in brackets are the same figure)
    assert (jmod["distance"].lo, jmod["distance"].best, jmod["distance"].hi) == (450.0, 500.0, 550.0)
    assert jmod["distance"].raw == "about 500 kilometers (about 310 miles)"
    # outside Japan's EEZ; a possible ballistic missile
    assert jmod["landing_area"].qualifier == "outside:japan_eez"
    assert jmod["event_type"] == Term("ballistic_missile", "possible ballistic missile", "alias")

    jcs = _read(reports["JCS"], profile)
    assert set(jcs) == {"direction"}
    assert jcs["direction"].code == "east"

    # every value keeps the sentence it came from
    distance = reports["JMOD"].fields["distance"]
    assert distance.sentence_text.startswith("The projectile flew about 500 kilometers")
    (s, e), = distance.spans
    assert text[s:e] == "about 500 kilometers (about 310 miles)"
    assert reports["JCS"].fields["direction"].sentence_text.startswith("South Korea’s Joint Chiefs of Staff stated")


# ---------------------------------------------------------------------------------------------------------------
# Japanese and Korean statements

JMOD_RELEASE = textwrap.dedent("""\
    北朝鮮のミサイル等関連情報

    令和4年1月5日
    防衛省

    1　本日8時07分頃、北朝鮮内陸部から、弾道ミサイルの可能性があるものが東方向に発射されました。

    2　通常の弾道軌道だとすれば約500km飛翔し、日本海の我が国の排他的経済水域（EEZ）外に落下したものと推定されます。
    """)

JCS_MESSAGE = textwrap.dedent("""\
    [합참 공지]
    북한은 오늘 오전 8시 10분경 자강도 일대에서 동해상으로 탄도미사일 1발을 발사했습니다.
    이번 탄도미사일의 비행거리는 약 700km로 탐지되었습니다.
    """)


def test_a_jmod_press_release_in_japanese(profile):
    (r,) = extract_reports(JMOD_RELEASE, profile, published="2022-01-05T10:05:00+09:00")
    assert r.source == "JMOD" and r.named_as == "防衛省"
    assert {k: v.value for k, v in r.fields.items()} == {
        "time": "8時07分頃", "event_type": "弾道ミサイルの可能性", "direction": "東方向", "distance": "約500km",
        "landing_area": "日本海の我が国の排他的経済水域（EEZ）外"}
    got = _read(r, profile)
    assert (got["time"].lo, got["time"].hi) == (_utc("2022-01-04T23:02:30"), _utc("2022-01-04T23:12:30"))
    assert (got["distance"].lo, got["distance"].hi) == (450.0, 550.0)
    assert (got["landing_area"].code, got["landing_area"].qualifier) == ("east_sea", "outside:japan_eez")


def test_a_jcs_text_message_in_korean(profile):
    (r,) = extract_reports(JCS_MESSAGE, profile, published="2022-01-05T08:40:00+09:00")
    assert r.source == "JCS"
    assert {k: v.value for k, v in r.fields.items()} == {
        "time": "오전 8시 10분경", "launch_site": "자강도", "landing_area": "동해상으로", "event_type": "탄도미사일",
        "count": "1발", "distance": "약 700km"}
    got = _read(r, profile)
    assert (got["time"].lo, got["time"].hi) == (_utc("2022-01-04T23:05:30"), _utc("2022-01-04T23:15:30"))
    assert (got["distance"].lo, got["distance"].hi) == (630.0, 770.0)
    assert got["landing_area"].code == "east_sea" and got["launch_site"].code == "jagang"


# ---------------------------------------------------------------------------------------------------------------
# records, ids, errors


def test_records_are_engine_input_with_their_evidence(profile):
    meta, text = _seed_text()
    for r in extract_reports(text, profile, published=meta["published"]):
        rec = r.record
        assert rec["source"] == r.source and rec["issued_at"] == meta["published"]
        assert rec["id"].startswith(r.source.lower() + "-text-")
        assert set(rec["spans"]) == set(r.fields) == set(rec["sentences"])
        report = normalise_report(rec, profile)
        assert report.extra["spans"] == rec["spans"] and not report.warnings


def test_ids_are_deterministic_and_differ_by_agency(profile):
    text = ATTRIBUTION[0][1]
    a = [r.id for r in extract_reports(text, profile, published="2022-01-05")]
    b = [r.id for r in extract_reports(text, profile, published="2022-01-06")]
    assert a == b and len(set(a)) == 2


def test_an_unreadable_publication_time_is_an_input_error(profile):
    with pytest.raises(InputError, match="published"):
        extract_reports("The JCS said the missile flew 500 km.", profile, published="not a date")


def test_without_a_publication_time_a_dated_letterhead_supplies_it(profile):
    (r,) = extract_reports(JMOD_RELEASE, profile)
    assert r.record["issued_at"] == "令和4年1月5日"


def test_a_report_that_cannot_be_placed_in_time_is_left_out(profile):
    assert extract_reports("The JCS said the missile flew 500 km.", profile) == []


def test_split_header():
    assert split_header("published: 2022-01-05\nSource: JCS\n---\nbody\n") == (
        {"published": "2022-01-05", "source": "JCS"}, "body\n")
    assert split_header("no header\n---\nhere") == ({}, "no header\n---\nhere")


# ---------------------------------------------------------------------------------------------------------------
# properties


def _check_invariants(text: str, reports, profile) -> None:
    for r in reports:
        normalise_report(r.record, profile)  # never raises: what the engine cannot read is left out
        for ev in r.fields.values():
            # the value is the text of its spans; each span lies in the text, the first in its sentence
            assert ev.value == " ".join(text[s:e] for s, e in ev.spans)
            assert all(0 <= s < e <= len(text) for s, e in ev.spans)
            s0, e0 = ev.sentence
            assert s0 <= ev.spans[0][0] < e0 and text[s0:e0] == ev.sentence_text


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    _check_invariants(text, extract_reports(text, PROFILE, published="2023-03-16T12:00:00+09:00"), PROFILE)


@settings(max_examples=60, deadline=None)
@given(wire_stories())
def test_generated_wire_stories_keep_their_invariants(text):
    reports = extract_reports(text, PROFILE, published="2023-03-16T12:00:00+09:00")
    _check_invariants(text, reports, PROFILE)
    assert {r.source for r in reports} <= {code for code, _ in SPEAKERS}
    assert [r.id for r in reports] == [r.id for r in extract_reports(text, PROFILE,
                                                                     published="2023-03-16T12:00:00+09:00")]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SPEAKERS), st.sampled_from(SPEAKERS), wire_distances(), wire_distances())
def test_each_agency_keeps_its_own_figure(a, b, d1, d2):
    if a[0] == b[0]:
        return
    text = f"{a[1]} said the missile flew {d1}, while {b[1]} put it at {d2}."
    got = _by_source(text, PROFILE, published="2023-03-16T12:00:00+09:00")
    assert got == {a[0]: {"distance": d1}, b[0]: {"distance": d2}}


# ---------------------------------------------------------------------------------------------------------------
# the scorer


def test_score_extraction_counts_fields_by_reading(profile):
    case = ExtractionCase(
        name="t", published="2022-01-05T12:00:00+09:00",
        expected=[{"source": "JMOD", "distance": "about 500 km", "time": "8:07 a.m."},
                  {"source": "JCS", "direction": "east"}],
        extracted=[{"source": "防衛省", "distance": "約500km", "apogee": "50 km"},
                   {"source": "KCNA", "distance": "700 km"}])
    s = score_extraction([case], profile)
    assert (s.fields.tp, s.fields.fp, s.fields.fn) == (1, 2, 2)  # distance right; apogee, KCNA extra; time, JCS
    assert (s.reports.tp, s.reports.fp, s.reports.fn) == (1, 1, 1)
    assert s.by_field["distance"].f1 == pytest.approx(2 / 3)
    assert {(m.source, m.field) for m in s.misses} == {("JMOD", "apogee"), ("JMOD", "time"), ("KCNA", "distance"),
                                                       ("JCS", "direction")}


# ---------------------------------------------------------------------------------------------------------------
# golden: the tuning and dev sets are read exactly, but for the misses listed here (fixtures/texts/README.md)

KNOWN_MISSES = {
    ("2022-10-09-kyodo-ja", "JMOD", "launch_site"),  # 東岸付近 without a country: not in the gazetteer
}
GOLDEN = sorted(p for d in ("tune", "dev") for p in (TEXTS / d).glob("*.txt"))


def test_there_are_enough_labelled_texts():
    assert len(list(TEXTS.glob("*/*.expected.json"))) >= 40


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_texts(profile, path):
    meta, text = split_header(path.read_text(encoding="utf-8"))
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))["reports"]
    got = extract_reports(text, profile, published=meta.get("published"), source=meta.get("source"))
    scores = score_extraction([ExtractionCase(name=path.stem, published=meta.get("published"), expected=expected,
                                              extracted=[r.record for r in got])], profile)
    misses = {(m.text, m.source, m.field) for m in scores.misses}
    assert misses == {k for k in KNOWN_MISSES if k[0] == path.stem}, scores.misses
    _check_invariants(text, got, profile)


def test_the_held_out_set_meets_the_target(profile):
    """The held-out texts were written before the extractor was last tuned and scored once blind (0.900 field
    F1; fixtures/texts/README.md). This guards the target, it does not tune on them."""
    cases = []
    for path in sorted((TEXTS / "heldout").glob("*.txt")):
        meta, text = split_header(path.read_text(encoding="utf-8"))
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))["reports"]
        got = extract_reports(text, profile, published=meta.get("published"), source=meta.get("source"))
        cases.append(ExtractionCase(name=path.stem, published=meta.get("published"), expected=expected,
                                    extracted=[r.record for r in got]))
    assert len(cases) >= 15
    assert score_extraction(cases, profile).fields.f1 >= 0.9


def test_the_reading_of_a_figure_is_the_engines(profile):
    (r,) = extract_reports("The JCS said the missile flew about 4,600 kilometers (2,850 miles).", profile,
                           published="2022-10-04T14:00:00+09:00")
    got = _read(r, profile)["distance"]
    assert isinstance(got, Interval) and (got.lo, got.hi, got.rule) == (4140.0, 5060.0, "hedge:about")
