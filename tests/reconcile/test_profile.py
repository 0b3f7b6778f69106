"""Profiles are data: the built-in profile loads, a malformed one is refused with every problem at once, and a
second incident kind written in a few lines of TOML runs through the whole pipeline without code."""

from __future__ import annotations

import textwrap

import pytest

from reconcile import ProfileError, load_profile, parse_profile, reconcile_reports


def test_builtin_profile_loads(profile):
    assert profile.name == "missile_launch"
    assert set(profile.sources) == {"JMOD", "JCS", "INDOPACOM", "KCNA", "JCG", "JPGOV", "USFK"}
    assert profile.fields["time"].kind == "time"
    assert profile.fields["distance"].unit == "km"
    assert profile.fields["landing_area"].zones == ["japan_eez"]
    assert profile.places, "the gazetteer named by the profile is loaded with it"
    assert {"sunan", "pyongyang", "east_sea"} <= {p.id for p in profile.places}


def test_load_profile_from_a_path(tmp_path):
    (tmp_path / "toy.toml").write_text(TOY, encoding="utf-8")
    assert load_profile(tmp_path / "toy.toml").name == "outage"
    assert load_profile(str(tmp_path / "toy.toml")).name == "outage"


def test_unknown_profile_name():
    with pytest.raises(ProfileError, match="no built-in profile or file 'no_such_profile'"):
        load_profile("no_such_profile")


def test_missing_gazetteer_beside_a_profile_file(tmp_path):
    (tmp_path / "p.toml").write_text('gazetteer = "nowhere.json"\n' + TOY, encoding="utf-8")
    with pytest.raises(ProfileError, match="nowhere.json"):
        load_profile(tmp_path / "p.toml")


BROKEN = textwrap.dedent("""
    name = "broken"
    title = "Broken"
    date_zone = "Mars/Olympus"

    [sources.A]
    name = "Agency A"
    zone = "Nowhere/Land"

    [fields.when]
    kind = "time"

    [fields.kind]
    kind = "category"
    taxonomy = "no_such_taxonomy"

    [fields.area]
    kind = "place"
    zones = ["no_such_zone"]

    [taxonomies.t]
    root = "a"
    [taxonomies.t.terms.a]
    label = "A"
    parent = "b"
    [taxonomies.t.terms.b]
    label = "B"
    parent = "a"

    [zones.z]
    name = "Z"
    mention = ["(unclosed"]
    outside = ["out"]
""")


def test_every_problem_of_a_profile_is_reported_at_once():
    with pytest.raises(ProfileError) as info:
        parse_profile(BROKEN, where="broken.toml")
    message = str(info.value)
    for expected in [
        "date_zone: unknown time zone 'Mars/Olympus'",
        "sources.A.zone: unknown time zone 'Nowhere/Land'",
        "fields.kind.taxonomy: unknown taxonomy 'no_such_taxonomy'",
        "fields.area.zones: unknown zone 'no_such_zone'",
        "taxonomies.t.a: parent chain loops",
        "zones.z.mention: bad pattern '(unclosed'",
    ]:
        assert expected in message
    assert info.value.where == "broken.toml"
    assert message.startswith("broken.toml: ")


def test_schema_errors_name_the_entries():
    text = 'name = "x"\ntitle = "y"\n[sources.A]\nname = "A"\n[fields.f]\nkind = "colour"\nbogus = 1\n'
    with pytest.raises(ProfileError) as info:
        parse_profile(text)
    assert "fields.f.kind" in str(info.value)
    assert "fields.f.bogus" in str(info.value)


def test_not_toml():
    with pytest.raises(ProfileError, match="not valid TOML"):
        parse_profile('name = "x"\ntitle = "unterminated')


def test_a_quantity_needs_a_unit():
    text = 'name = "x"\ntitle = "y"\n[sources.A]\nname = "A"\n[fields.size]\nkind = "quantity"\n'
    with pytest.raises(ProfileError, match="fields.size.unit"):
        parse_profile(text)


def test_an_unknown_unit_is_a_profile_problem():
    text = MINIMAL + '[fields.size]\nkind = "quantity"\nunit = "kms2"\n'
    with pytest.raises(ProfileError, match="fields.size.unit"):
        parse_profile(text)


MINIMAL = 'name = "x"\ntitle = "y"\n[sources.A]\nname = "A"\n[fields.t]\nkind = "time"\n'


def test_duplicate_and_orphan_places():
    places = [{"id": "a", "name": "A", "kind": "city"}, {"id": "a", "name": "A2", "kind": "city"},
              {"id": "b", "name": "B", "kind": "city", "parent": "nowhere"}]
    with pytest.raises(ProfileError) as info:
        parse_profile(MINIMAL, places=places)
    assert "places: duplicate id 'a'" in str(info.value)
    assert "places.b.parent: unknown place 'nowhere'" in str(info.value)


# ------------------------------------------------------------------------------------------------------------
# a second incident kind: power outages, two fields, two agencies

TOY = textwrap.dedent("""
    name = "outage"
    title = "Power outage"
    date_zone = "Europe/Berlin"

    [sources.GRID]
    name = "Grid operator"
    zone = "Europe/Berlin"
    aliases = ["grid operator", "Netzbetreiber"]

    [sources.NEWS]
    name = "Local news"
    zone = "Europe/Berlin"
    aliases = ["local news", "Lokalzeitung"]

    [fields.start]
    kind = "time"
    match = 4.0
    mismatch = -4.0

    [fields.customers]
    kind = "count"
    match = 0.5
    mismatch = -1.0
""")


def test_a_second_profile_runs_through_the_pipeline_without_code():
    toy = parse_profile(TOY)
    records = [
        {"id": "g1", "source": "Netzbetreiber", "start": "2023-03-01 14:05", "customers": "1200"},
        {"id": "n1", "source": "local news", "start": "around 2:05 p.m. March 1, 2023", "customers": "5000",
         "street": "Hauptstrasse"},
        {"id": "g2", "source": "GRID", "start": "2023-03-02 09:00", "customers": "30"},
        {"id": "n2", "source": "NEWS", "start": "sometime"},
    ]
    result = reconcile_reports(records, toy)
    assert result.profile == "outage"
    groups = sorted(sorted(r.key for r in e.reports) for e in result.events)
    assert groups == [[("GRID", "g1"), ("NEWS", "n1")], [("GRID", "g2")]]
    first = next(e for e in result.events if len(e.reports) == 2)
    assert [(c.field, c.severity) for c in first.conflicts] == [("customers", "major")]
    assert first.consensus["start"].agree
    news = next(r for r in first.reports if r.source == "NEWS")
    assert news.extra == {"street": "Hauptstrasse"}
    # 14:05 in Berlin (CET, UTC+1) is 13:05 UTC
    assert news.values["start"].lo <= 1677675900.0 + 30 <= news.values["start"].hi
    assert [(r.id, r.errors[0]["field"]) for r in result.rejects] == [("n2", "start")]
