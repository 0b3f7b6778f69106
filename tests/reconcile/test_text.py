"""Name folding and alias matching (reconcile.normalise.text)."""

from __future__ import annotations

import pytest

from reconcile.normalise.text import AliasMatcher, text_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        pytest.param("Tongch'ang-ni", "tongchangni", id="apostrophe-and-hyphen-joined"),
        pytest.param("Tongchang-ni", "tongchangni", id="hyphen-joined"),
        pytest.param("Bōeishō", "boeisho", id="macrons-dropped"),
        pytest.param("P'yŏngyang", "pyongyang", id="mccune-reischauer-breve"),
        pytest.param("ＪＭＯＤ", "jmod", id="full-width-latin"),
        pytest.param("  Japan's   MoD ", "japans mod", id="spaces-collapsed-case-folded"),
        pytest.param("Japan’s Ministry of Defense", "japans ministry of defense", id="curly-apostrophe"),
        pytest.param("５００㎞", "500km", id="full-width-digits-and-km-sign"),
        pytest.param("D.P.R.K.", "d p r k", id="full-stops-to-spaces"),
        pytest.param("Sea of Japan (East Sea)", "sea of japan east sea", id="brackets-to-spaces"),
        pytest.param("北朝鮮", "北朝鮮", id="kanji-kept"),
        pytest.param("평양 순안", "평양 순안", id="hangul-kept"),
        pytest.param("ＫＣＮＡ　Watch", "kcna watch", id="ideographic-space"),
        pytest.param("STRASSE", "strasse", id="casefold"),
        pytest.param("", "", id="empty"),
    ],
)
def test_text_key(raw, key):
    assert text_key(raw) == key


@pytest.mark.parametrize("raw", ["Tongch'ang-ni", "Bōeishō", "５００㎞", "D.P.R.K.", "ﬁve", "Ⅻ", "㍻", "ß"])
def test_text_key_is_idempotent(raw):
    assert text_key(text_key(raw)) == text_key(raw)


@pytest.fixture
def matcher() -> AliasMatcher:
    return AliasMatcher([("sohae", "Tongchang-ri"), ("sohae", "Sohae"), ("pyongyang", "Pyongyang"),
                         ("sunan", "Sunan"), ("sunan", "Sunan area, Pyongyang"), ("east_sea", "동해상"),
                         ("east_sea", "東海"), ("korea", "Korea")])


def test_exact_match_folds_the_query(matcher):
    assert matcher.exact("TONGCH'ANG-RI") == "sohae"
    assert matcher.exact("Tongchang ri") is None  # a space is not a hyphen
    assert matcher.exact("Pyongyang city") is None


def test_find_prefers_the_longest_alias_and_reports_positions(matcher):
    assert matcher.find("Sunan area, Pyongyang") == [("sunan", 0)]
    assert matcher.find("near Sunan and Pyongyang") == [("sunan", 5), ("pyongyang", 15)]


def test_latin_aliases_match_on_word_boundaries_only(matcher):
    assert matcher.find("Koreans") == []
    assert matcher.find("North Korea") == [("korea", 6)]


def test_cjk_aliases_match_inside_running_text(matcher):
    assert [c for c, _ in matcher.find("북한은동해상으로")] == ["east_sea"]


def test_fuzzy_finds_misspellings_above_the_cutoff(matcher):
    hit = matcher.fuzzy("Tongchang-rri")
    assert hit is not None and hit[0] == "sohae" and hit[1] >= 88
    assert matcher.fuzzy("Xyzzy") is None
    assert matcher.fuzzy("") is None


def test_an_empty_matcher_finds_nothing():
    m = AliasMatcher([])
    assert m.find("anything") == [] and m.fuzzy("anything") is None and m.exact("anything") is None
