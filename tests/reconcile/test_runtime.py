"""The compiled profile: source names to canonical codes, zone qualifiers (reconcile.runtime)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("JMOD", "JMOD", id="code"),
        pytest.param("Japanese MoD", "JMOD", id="japanese-mod"),
        pytest.param("Japan Ministry of Defence", "JMOD", id="british-spelling"),
        pytest.param("japan ministry of defense", "JMOD", id="lower-case"),
        pytest.param("Japan’s Ministry of Defense", "JMOD", id="curly-apostrophe"),
        pytest.param("防衛省", "JMOD", id="ja-boeisho"),
        pytest.param("합동참모본부", "JCS", id="ko-hapcham-full"),
        pytest.param("합참", "JCS", id="ko-hapcham"),
        pytest.param("ＪＣＳ", "JCS", id="full-width"),
        pytest.param("U.S. Indo-Pacific Command", "INDOPACOM", id="us-indo-pacific-command"),
        pytest.param("US INDOPACOM", "INDOPACOM", id="us-indopacom"),
        pytest.param("Korean Central News Agency", "KCNA", id="kcna-long"),
        pytest.param("조선중앙통신", "KCNA", id="ko-kcna"),
        pytest.param("海上保安庁", "JCG", id="ja-coast-guard"),
        pytest.param("  Japan   Coast Guard ", "JCG", id="extra-spaces"),
    ],
)
def test_source_aliases(rt, raw, code):
    assert rt.source(raw) == (code, "alias")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("the Japanese Ministry of Defense said", "JMOD", id="alias-in-a-sentence"),
        pytest.param("South Korea’s Joint Chiefs of Staff (JCS)", "JCS", id="name-and-code"),
    ],
)
def test_source_alias_in_text(rt, raw, code):
    assert rt.source(raw) == (code, "alias-in-text")


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Japan Ministy of Defense", "JMOD"), ("Korean Central News Agancy", "KCNA"),
     ("INDOPACOMM", "INDOPACOM")],
    ids=lambda v: v,
)
def test_source_fuzzy(rt, raw, code):
    got, rule = rt.source(raw)
    assert got == code and rule.startswith("fuzzy:")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("Yonhap News Agency", "Yonhap News Agency"), ("Reuters", "Reuters"), ("  38   North ", "38 North")],
    ids=lambda v: v,
)
def test_unknown_agency_is_kept_under_its_cleaned_name(rt, raw, kept):
    assert rt.source(raw) == (kept, "unknown-source")


def test_source_zones(rt):
    assert rt.zone_for("JMOD") == "Asia/Tokyo"
    assert rt.zone_for("JCS") == "Asia/Seoul"
    assert rt.zone_for("INDOPACOM") == "Pacific/Honolulu"
    assert rt.zone_for("KCNA") == "Asia/Pyongyang"
    assert rt.zone_for("Reuters") == "UTC"  # the profile's default zone


EEZ = ("japan_eez",)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        pytest.param("Sea of Japan, outside Japan's EEZ", "outside", id="en-outside"),
        pytest.param("Sea of Japan, inside Japan's EEZ", "inside", id="en-inside"),
        pytest.param("beyond Japan's exclusive economic zone", "outside", id="en-beyond-spelled-out"),
        pytest.param("within Japan's exclusive economic zone", "inside", id="en-within"),
        pytest.param("in Japan's EEZ", "inside", id="en-in"),
        pytest.param("日本の排他的経済水域（EEZ）外", "outside", id="ja-outside"),
        pytest.param("日本の排他的経済水域内", "inside", id="ja-inside"),
        pytest.param("日本海（EEZ外）", "outside", id="ja-brackets"),
        pytest.param("EEZ外の日本海", "outside", id="ja-eez-first"),
        pytest.param("일본 EEZ 밖", "outside", id="ko-outside"),
        pytest.param("일본 배타적경제수역 안", "inside", id="ko-inside-spelled-out"),
        pytest.param("일본 EEZ 내", "inside", id="ko-inside"),
    ],
)
def test_eez_qualifier(rt, text, qualifier):
    assert rt.place(text, EEZ)[2] == f"{qualifier}:japan_eez"


@pytest.mark.parametrize("text", ["Sea of Japan", "East Sea", "동해상", "Japan"])
def test_no_eez_mention_no_qualifier(rt, text):
    assert rt.place(text, EEZ)[2] is None


def test_qualifier_only_for_fields_that_declare_the_zone(rt):
    assert rt.place("Sea of Japan, outside Japan's EEZ", ())[2] is None


def test_japans_eez_is_not_the_place_japan(rt):
    assert rt.place("Sea of Japan, outside Japan's EEZ", EEZ)[0] == "east_sea"
    assert rt.place("outside Japan's EEZ", EEZ)[0] == ""


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [pytest.param("日本のEEZ内", "inside", id="ja-inside"),
     pytest.param("北海道西方の日本のEEZ外", "outside", id="ja-outside")],
)
def test_eez_written_against_kana(rt, text, qualifier):
    assert rt.place(text, EEZ)[2] == f"{qualifier}:japan_eez"


@pytest.mark.parametrize("text", [pytest.param("日本の排他的経済水域（EEZ）外", id="ja"),
                                  pytest.param("일본 EEZ 밖", id="ko")])
def test_japans_eez_in_cjk_is_not_the_place_japan(rt, text):
    assert rt.place(text, EEZ)[0] != "japan"


def test_zone_qualifier_reads_the_words_next_to_the_mention(rt):
    z = rt.zones["japan_eez"]
    assert z.qualify("landed outside Japan's EEZ") == "outside:japan_eez"
    assert z.qualify("landed within the EEZ") == "inside:japan_eez"
    assert z.qualify("EEZ") == "inside:japan_eez"  # the zone named as the place itself
    assert z.qualify("Japan's EEZ, west of Hokkaido") == "inside:japan_eez"
    assert z.qualify("not in Japan's EEZ") == "outside:japan_eez"
    assert z.qualify("landed in the Sea of Japan") is None
