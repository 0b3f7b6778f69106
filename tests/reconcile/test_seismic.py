"""ISF and QuakeML bulletins as input records (reconcile.seismic), on the real files shipped inside the obspy
wheel: an ISC bulletin of the 1967 Western Caucasus earthquake (six agencies' origins of one event), an IPEC
bulletin excerpt, and USGS, EMSC (NERIES) and IRIS QuakeML."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import app
from reconcile.cli.io import iter_inputs
from reconcile.errors import InputError
from reconcile.evaluate import evaluate_clusters
from reconcile.formats import detect_format, read_records
from reconcile.seismic import (
    FIXED_DEPTH_TYPES,
    depth_text,
    read_isf,
    read_quakeml,
    records_from_catalog,
    truth_from_catalog,
    truth_from_document,
)

pytestmark = pytest.mark.skipif(importlib.util.find_spec("obspy") is None, reason="needs the seismic extra")


def _obspy_data(module: str) -> Path:
    spec = importlib.util.find_spec("obspy")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "io" / module / "tests" / "data"


@pytest.fixture(scope="module")
def isf_path() -> Path:
    return _obspy_data("iaspei") / "19670130012028.isf"


@pytest.fixture(scope="module")
def ipe_path() -> Path:
    return _obspy_data("iaspei") / "ipe202409sel_ims.txt"


def _quakeml(name: str) -> Path:
    return _obspy_data("quakeml") / name


def _by_source(records: list) -> dict[str, dict]:
    return {r.data["source"]: r.data for r in records}


# ------------------------------------------------------------------------------------------------ ISF


def test_isf_one_event_six_agencies(isf_path: Path) -> None:
    records = list(read_isf(isf_path.read_text(encoding="utf-8"), "caucasus.isf"))
    assert [(r.data["source"], r.data["id"], r.line) for r in records] == [
        ("BCIS", "1838610", 6), ("USCGS", "1838611", 7), ("IASPEI", "9093437", 8), ("MOS", "1838612", 13),
        ("EHB", "9212463", 14), ("ISC", "1838613", 15)]
    assert all(r.origin == "caucasus.isf" and r.error is None for r in records)
    assert {r.data["bulletin_event"] for r in records} == {"840268"}
    assert {r.data["region"] for r in records} == {"Western Caucasus"}
    assert {r.data["event_type"] for r in records} == {"earthquake"}  # the 'ke' flags of IASPEI and EHB
    assert {r.data["solution"] for r in records} == {"hypocentre"}
    by = _by_source(records)

    isc = by["ISC"]
    assert isc["time"] == "1967-01-30T01:20:28.70Z"  # the two decimals the bulletin writes
    assert isc["time_error"] == 0.2
    assert (isc["latitude"], isc["longitude"]) == (41.09, 44.31)
    assert isc["location_error"] == 3.7  # the 90% ellipse's semi-major axis, km
    assert isc["depth"] == "11.0 km"  # flag 'd': constrained by depth phases, a measurement, not fixed
    assert isc["depth_type"] == "constrained by depth phases"
    assert isc["magnitude"] == ["mb 5.0"]
    assert isc["prime"] is True
    assert [d for d in records if d.data.get("prime")] == [records[-1]]

    assert by["IASPEI"]["depth"] == "5.0 km fixed"  # flag 'f'
    assert by["IASPEI"]["depth_type"] == "operator assigned"
    assert by["IASPEI"]["time"] == "1967-01-30T01:20:28.17Z"
    assert by["IASPEI"]["time_error"] == 0.15
    assert by["IASPEI"]["location_error"] == 4.091
    assert by["IASPEI"]["magnitude"] == ["mb 5.0"]
    assert by["EHB"]["depth"] == "10.0 km fixed"
    assert by["EHB"]["time"] == "1967-01-30T01:20:30.03Z"
    assert "magnitude" not in by["EHB"]  # EHB gives no magnitude line
    assert by["BCIS"] == {
        "id": "1838610", "source": "BCIS", "event_type": "earthquake", "time": "1967-01-30T01:20:27.00Z",
        "latitude": 41.0, "longitude": 44.2, "depth": "0.0 km", "magnitude": ["M 4.5"],  # no type: M
        "region": "Western Caucasus", "solution": "hypocentre", "bulletin_event": "840268"}
    assert by["USCGS"]["magnitude"] == ["MB 5.1"]
    assert by["USCGS"]["depth"] == "6.0 km"
    assert by["MOS"]["magnitude"] == ["M 5.0"]
    assert by["MOS"]["depth"] == "33.0 km"
    # no error is invented: blank columns stay absent
    assert "time_error" not in by["BCIS"] and "location_error" not in by["MOS"] and "depth_error" not in isc


def test_isf_reads_bytes_and_lines_alike(isf_path: Path) -> None:
    text = isf_path.read_text(encoding="utf-8")
    from_bytes = [r.data for r in read_isf(isf_path.read_bytes())]
    from_lines = [r.data for r in read_records(text.splitlines(keepends=True), fmt="isf", origin="x")]
    assert from_bytes == from_lines == [r.data for r in read_isf(text)]


def test_ipe_bulletin(ipe_path: Path) -> None:
    # ObsPy warns about this excerpt's phase blocks (a wrong #OrigID, a wrong time): no phase is read, so no
    # warning reaches the caller (pytest turns warnings into errors here)
    records = list(read_isf(ipe_path.read_bytes(), ipe_path.name))
    assert [(r.data["id"], r.line, r.data["bulletin_event"]) for r in records] == [
        ("2032247", 10, "2032247"), ("2032257", 26, "2032257"), ("2032696", 45, "2032696")]
    first, blast, induced = (r.data for r in records)
    assert first["source"] == "IPEC" and first["time"] == "2024-09-01T11:18:16.35Z"
    assert "latitude" not in first and "depth" not in first and "magnitude" not in first  # a time alone
    assert first["event_type"] == "induced or triggered event"
    assert blast["event_type"] == "mining explosion"  # 'km': known mining explosion
    assert (blast["latitude"], blast["longitude"], blast["depth"]) == (49.8219, 18.5593, "1.0 km fixed")
    assert blast["magnitude"] == ["ML 1.2"]  # ObsPy's ISF reader drops the magnitude error column (0.1)
    assert blast["time_error"] == 0.34 and blast["location_error"] == 2.2
    assert blast["region"] == "CZECH REPUBLIC, OSTRAVA"
    assert induced["time"] == "2024-09-10T00:25:55.18Z" and induced["magnitude"] == ["ML 1.0"]
    assert all(r.data["prime"] for r in records)


ISC_LINE = ("1967/01/30 01:20:28.70   0.20 1.850  41.0900   44.3100   3.7 2.510   0  11.0d       150  153  21"
            "   1.00 120.00 m i uk ISC        1838613")


def _isf_origin_line(fields: dict[int, str]) -> str:
    """An ISF origin line from (0-based column, text) pairs."""
    line = [" "] * 137
    for col, text in fields.items():
        line[col:col + len(text)] = text
    return "".join(line).rstrip()


def _one_origin_isf(origin_line: str, *comments: str) -> str:
    header = ("   Date       Time        Err   RMS Latitude Longitude  Smaj  Smin  Az Depth   Err Ndef Nsta Gap"
              "  mdist  Mdist Qual   Author      OrigID")
    return "\n".join(["DATA_TYPE BULLETIN IMS1.0:short", "ISC Bulletin", "Event   840268 Western Caucasus", "",
                      header, origin_line, *comments, "", "STOP", ""])


@pytest.mark.parametrize(("flag", "depth", "depth_type"), [
    ("d", "11.0 km", "constrained by depth phases"),  # depth phases: measured
    ("D", "11.0 km", "constrained by depth phases"),
    ("f", "11.0 km fixed", "operator assigned"),  # fixed by the analyst
    ("F", "11.0 km fixed", "operator assigned"),
    (" ", "11.0 km", None),  # from the location itself
])
def test_isf_depth_flags(flag: str, depth: str, depth_type: str | None) -> None:
    line = ISC_LINE[:76] + flag + ISC_LINE[77:]
    (record,) = read_isf(_one_origin_isf(line))
    assert record.data["depth"] == depth
    assert record.data.get("depth_type") == depth_type


@pytest.mark.parametrize(("depth_type", "fixed"), [
    ("operator assigned", True),
    ("from location", False),
    ("constrained by depth phases", False),
    ("constrained by direct phases", False),
    ("constrained by depth and direct phases", False),
    ("from moment tensor inversion", False),
    ("from modeling of broad-band P waveforms", False),
    ("other", False),
    (None, False),
])
def test_depth_type_mapping(depth_type: str | None, fixed: bool) -> None:
    assert depth_text(10_000.0, depth_type, decimals=1) == ("10.0 km fixed" if fixed else "10.0 km")
    assert (depth_type in FIXED_DEPTH_TYPES) is fixed
    assert depth_text(14_400.0, depth_type).startswith("14.4 km")


def test_isf_centroid_comment_and_fixed_time() -> None:
    gcmt = _isf_origin_line({0: "1967/01/30 01:20:31.40", 22: "f", 36: " 41.1200", 45: "  44.4100", 54: "f",
                             71: " 15.0", 76: "f", 118: "GCMT", 128: "600123456"})
    text = _one_origin_isf(ISC_LINE, " (#PRIME)").replace("\n\nSTOP", "\n" + gcmt + "\n (#CENTROID)\n\nSTOP")
    isc, centroid = (r.data for r in read_isf(text))
    # prime although ObsPy leaves the event without a preferred origin (its origin block ends the bulletin)
    assert isc["solution"] == "hypocentre" and isc["prime"] is True
    assert centroid["solution"] == "centroid"
    assert centroid["source"] == "GCMT" and centroid["id"] == "60012345"  # the OrigID column is 8 wide
    assert centroid["time"] == "1967-01-30T01:20:31.40Z"
    assert centroid["time_fixed"] is True and centroid["epicentre_fixed"] is True
    assert centroid["depth"] == "15.0 km fixed"
    assert "prime" not in centroid


# ------------------------------------------------------------------------------------------------ QuakeML


def test_usgs_quakeml_and_the_event_obspy_drops() -> None:
    records = list(read_quakeml(_quakeml("usgs_event.xml").read_bytes(), "usgs.xml"))
    ok, dropped = records
    assert ok.data == {
        "id": "ci37285320/1415311367340", "source": "CI", "issued_at": "2014-11-06T22:02:47.34Z",
        "event_type": "quarry blast", "time": "2014-11-06T00:24:42.24Z", "latitude": 35.0476667,
        "longitude": -117.6623333, "location_error": 0.5, "depth": "0.01 km", "depth_error": 31.61,
        "magnitude": ["ml 1.54 ± 0.1"], "solution": "hypocentre", "bulletin_event": "ci37285320", "prime": True}
    # the file's second event has type 'quarry', not QuakeML: ObsPy drops the whole event; the loss is a reject
    assert dropped.data is None and dropped.origin == "usgs.xml"
    assert "ObsPy dropped an event" in (dropped.error or "") and "'quarry'" in (dropped.error or "")


def test_emsc_quakeml() -> None:
    records = [r.data for r in read_quakeml(_quakeml("neries_events.xml").read_text(encoding="utf-8"))]
    assert [(d["id"], d["bulletin_event"], d["region"]) for d in records] == [
        ("rts/261020/782484", "20120404_0000041", "KYRGYZSTAN"),
        ("rts/261017/782476", "20120404_0000038", "EASTERN TURKEY"),
        ("rts/261018/782478", "20120404_0000039", "CENTRAL TURKEY")]
    first = records[0]
    assert first["source"] == "EMSC" and first["author"] == "NNC"  # agency and author given only as URIs
    assert first["time"] == "2012-04-04T14:21:42.3Z" and records[1]["time"] == "2012-04-04T14:18:37Z"
    assert (first["latitude"], first["longitude"], first["depth"]) == (41.818, 79.689, "1.0 km")
    assert first["magnitude"] == ["mb 4.4"] and records[1]["magnitude"] == ["ML 4.3"]
    assert "event_type" not in first  # "not reported"
    # EMSC writes 0 for the errors it does not give: absent, not zero
    assert not {"time_error", "location_error", "depth_error"} & set(first)


def test_iris_quakeml_magnitudes_stay_with_their_agency() -> None:
    tohoku, sulu = (r.data for r in read_quakeml(_quakeml("iris_events.xml").read_bytes()))
    assert tohoku["id"] == "7680412" and tohoku["source"] == "NEIC" and tohoku["bulletin_event"] == "3279407"
    assert tohoku["time"] == "2011-03-11T05:46:24.12Z"
    assert (tohoku["latitude"], tohoku["longitude"]) == (38.297, 142.373)
    assert tohoku["region"] == "NEAR EAST COAST OF HONSHU, JAPAN" and tohoku["event_type"] == "earthquake"
    # GCMT's Mw names no origin: it is not NEIC's, so it is kept aside rather than attributed
    assert "magnitude" not in tohoku and tohoku["other_magnitudes"] == ["MW 9.1 (GCMT)"]
    assert sulu["source"] == "MAN" and sulu["magnitude"] == ["MS 9.8"]  # same agency: its own
    # QuakeML depths are metres; this IRIS file writes kilometres (29 for Tohoku), read as the standard says
    assert tohoku["depth"] == "0.029 km"


def test_quakeml_origin_uncertainty_ellipse() -> None:
    (record,) = read_quakeml(_quakeml("quakeml_1.2_origin.xml").read_bytes())
    assert record.data["source"] == "NEIC" and record.data["id"] == "7680412"
    assert record.data["location_error"] == 10.0  # preferred: the ellipse's semi-major axis (not 9 km)
    assert record.data["solution"] == "hypocentre"  # origin type "hypocenter"
    assert record.data["bulletin_event"] == "historical/1165"
    assert "prime" not in record.data  # the event names no preferred origin


def test_records_from_catalog_centroid_type() -> None:
    from obspy.core.event import Catalog, CreationInfo, Event, Origin
    from obspy.core.utcdatetime import UTCDateTime

    origin = Origin(resource_id="smi:gcmt/origin/C201103110546A", time=UTCDateTime("2011-03-11T05:47:32.8Z"),
                    latitude=37.52, longitude=143.05, depth=20000.0, origin_type="centroid",
                    creation_info=CreationInfo(agency_id="GCMT"))
    event = Event(resource_id="smi:gcmt/event/201103110546A", origins=[origin],
                  preferred_origin_id=origin.resource_id)
    (record,) = records_from_catalog(Catalog(events=[event]))
    assert record.data["solution"] == "centroid"
    assert record.data["id"] == "C201103110546A" and record.data["bulletin_event"] == "201103110546A"
    assert record.data["time"] == "2011-03-11T05:47:32.8Z" and record.data["depth"] == "20.0 km"


# ------------------------------------------------------------------------------------------------ truth


def test_truth_from_isf(isf_path: Path) -> None:
    truth = truth_from_document(isf_path.read_bytes(), "isf", source=str.lower)
    assert truth["description"] == "ISC Bulletin"
    assert truth["events"] == [{"id": "840268", "reports": [
        {"source": "bcis", "id": "1838610"}, {"source": "uscgs", "id": "1838611"},
        {"source": "iaspei", "id": "9093437"}, {"source": "mos", "id": "1838612"},
        {"source": "ehb", "id": "9212463"}, {"source": "isc", "id": "1838613"}]}]


def test_truth_from_quakeml_catalog() -> None:
    from obspy import read_events

    truth = truth_from_catalog(read_events(str(_quakeml("neries_events.xml"))))
    assert [(e["id"], e["reports"]) for e in truth["events"]] == [
        ("20120404_0000041", [{"source": "EMSC", "id": "rts/261020/782484"}]),
        ("20120404_0000038", [{"source": "EMSC", "id": "rts/261017/782476"}]),
        ("20120404_0000039", [{"source": "EMSC", "id": "rts/261018/782478"}])]


def test_cli_bulletin_truth(isf_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = CliRunner().invoke(app, ["bulletin-truth", str(isf_path), "-o", str(out), "-p", "missile_launch"])
    assert result.exit_code == 0, result.output
    assert "1 bulletin event, 6 origins" in result.stderr
    truth = json.loads(out.read_text())
    assert [r["id"] for r in truth["events"][0]["reports"]] == [
        "1838610", "1838611", "9093437", "1838612", "9212463", "1838613"]
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"id": "a", "source": "b"}\n')
    result = CliRunner().invoke(app, ["bulletin-truth", str(bad), "-p", "missile_launch"])
    assert result.exit_code == 2 and "not an ISF or QuakeML bulletin" in " ".join(result.stderr.split())


# ------------------------------------------------------------------------------------------------ formats


@pytest.mark.parametrize(("name", "fmt"), [
    ("bulletin.isf", "isf"), ("ISC.IMS", "isf"), ("events.xml", "quakeml"), ("events.quakeml", "quakeml"),
    ("events.QML", "quakeml"), ("in.jsonl", "jsonl"), ("in.csv", "csv"), ("in.json", "json")])
def test_detect_by_extension(name: str, fmt: str) -> None:
    assert detect_format(name, "") == fmt


def test_detect_by_content(isf_path: Path, ipe_path: Path) -> None:
    assert detect_format("bulletin.txt", isf_path.read_text(encoding="utf-8")[:4096]) == "isf"
    assert detect_format("bulletin.txt", ipe_path.read_text(encoding="utf-8")[:4096]) == "isf"  # BEGIN IMS1.0
    for name in ("usgs_event.xml", "iris_events.xml", "neries_events.xml"):
        assert detect_format("download", _quakeml(name).read_text(encoding="utf-8")[:4096]) == "quakeml"
    assert detect_format("x", '{"id": "a"}') == "jsonl" and detect_format("x", "id,source\n") == "csv"


def test_iter_inputs_reads_bulletins_whole(isf_path: Path, ipe_path: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "isc-download.txt"  # no telling extension: found by content
    shutil.copy(isf_path, renamed)
    qml = tmp_path / "neries.download"
    shutil.copy(_quakeml("neries_events.xml"), qml)
    records = list(iter_inputs([str(renamed), str(ipe_path), str(qml)]))
    assert [r.origin for r in records] == [str(renamed)] * 6 + [str(ipe_path)] * 3 + [str(qml)] * 3
    assert records[5].data["source"] == "ISC" and records[5].line == 15


# ------------------------------------------------------------------------------------------------ errors


def test_corrupt_files_are_input_errors(isf_path: Path) -> None:
    lines = isf_path.read_text(encoding="utf-8").split("\n")
    lines[6] = lines[6][:11] + "xx" + lines[6][13:]  # USCGS's origin time
    with pytest.raises(InputError) as exc:
        list(read_isf("\n".join(lines), "broken.isf"))
    assert exc.value.file == "broken.isf" and exc.value.line == 7
    assert str(exc.value).startswith("broken.isf:7: ObsPy cannot read it as ISF (IMS1.0)")

    with pytest.raises(InputError, match="no line 'DATA_TYPE BULLETIN IMS1.0'"):
        list(read_isf("Event 1 somewhere\n", "x.isf"))
    with pytest.raises(InputError, match="empty file"):
        list(read_isf("", "x.isf"))

    truncated = _quakeml("usgs_event.xml").read_bytes()[:1500]
    with pytest.raises(InputError) as exc:
        list(read_quakeml(truncated, "cut.xml"))
    assert exc.value.file == "cut.xml" and exc.value.line == 31
    assert "not well-formed XML" in str(exc.value)
    with pytest.raises(InputError, match="ObsPy cannot read it as QuakeML"):
        list(read_quakeml(b"<?xml version='1.0'?>\n<foo><bar/></foo>\n", "foo.xml"))


def test_cli_batch_on_a_corrupt_bulletin(tmp_path: Path) -> None:
    bad = tmp_path / "cut.xml"
    bad.write_bytes(_quakeml("usgs_event.xml").read_bytes()[:1500])
    result = CliRunner().invoke(app, ["batch", "-p", "missile_launch", str(bad)])
    assert result.exit_code == 2
    assert "input error" in result.stderr and f"{bad}:31" in " ".join(result.stderr.split())


def test_without_obspy(monkeypatch: pytest.MonkeyPatch, isf_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "obspy", None)  # import obspy now raises ImportError
    with pytest.raises(InputError, match=r"pip install 'reconcile\[seismic\]'") as exc:
        list(read_isf(isf_path.read_bytes(), "caucasus.isf"))
    assert exc.value.file == "caucasus.isf"


# ------------------------------------------------------------------------------------------------ end to end


def _earthquake_profile() -> None:
    from reconcile.errors import ProfileError
    from reconcile.profile import load_profile

    try:
        load_profile("earthquake")
    except ProfileError as exc:  # the profile is not there yet
        pytest.skip(f"no earthquake profile: {exc}")


def test_batch_groups_the_bulletin_event_as_the_isc_does(isf_path: Path, tmp_path: Path) -> None:
    """The six agencies' origins of the 1967 earthquake are one event, as the ISC grouped them."""
    _earthquake_profile()
    runner = CliRunner()
    out, truth = tmp_path / "out.json", tmp_path / "truth.json"
    result = runner.invoke(app, ["batch", "--profile", "earthquake", str(isf_path), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["rejects"] == []
    (event,) = doc["events"]
    assert sorted(r["id"] for r in event["reports"]) == sorted(
        ["1838610", "1838611", "9093437", "1838612", "9212463", "1838613"])
    result = runner.invoke(app, ["bulletin-truth", str(isf_path), "-o", str(truth)])
    assert result.exit_code == 0, result.output
    report = evaluate_clusters(doc, json.loads(truth.read_text()))
    assert report.coverage.clustered == 6 and report.coverage.missing == 0
    assert report.pairwise.f1 == 1.0 and report.pairwise.true_pairs == 15


@pytest.mark.parametrize("name", ["isf_path", "ipe_path"])
def test_phase_blocks_are_skipped_without_changing_what_is_read(name, request):
    """ObsPy reads the text with its phase blocks blanked: the same records as from the whole file (which
    ObsPy reads phase by phase, some 70 ms an event), at the same line numbers."""
    import warnings

    from reconcile.seismic import _catalog_records, _isf_rows, _without_phases, read_catalog

    path = request.getfixturevalue(name)
    text = path.read_text(encoding="utf-8")
    blanked = _without_phases(text)
    assert len(blanked.split("\n")) == len(text.split("\n"))
    assert "Phase" not in blanked and "Phase" in text
    fast = [(r.data, r.line, r.error) for r in read_isf(text, path.name)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole, _ = read_catalog(text, "isf", path.name)
    slow = [(r.data, r.line, r.error) for _, _, r in _catalog_records(whole, path.name, _isf_rows(text))]
    assert [r for r in fast if r[0] is not None] == slow


@pytest.mark.parametrize("name", ["usgs_event.xml", "neries_events.xml", "iris_events.xml", "quakeml_1.2_origin.xml",
                                  "quakeml_1.2_arrival.xml", "quakeml_1.2_pick.xml", "quakeml_1.2_magnitude.xml",
                                  "quakeml_1.2_stationmagnitude.xml",
                                  "quakeml_1.2_stationmagnitudecontributions.xml", "qml-example-1.2-RC3.xml"])
def test_phase_elements_are_left_out_without_changing_what_is_read(name):
    """Picks, arrivals, amplitudes and station magnitudes are cut out of a QuakeML document before ObsPy reads it
    (it spends some 100 ms an event on them): the records are those of the whole document."""
    import warnings

    from reconcile.seismic import _catalog_records, _without_phase_elements, read_catalog

    data = _quakeml(name).read_bytes()
    fast = [(r.data, r.error) for r in read_quakeml(data, name)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole, _ = read_catalog(data, "quakeml", name)
    slow = [(r.data, r.error) for _, _, r in _catalog_records(whole, name, {})]
    assert [r for r in fast if r[0] is not None] == [r for r in slow if r[0] is not None]
    if name in ("quakeml_1.2_arrival.xml", "quakeml_1.2_pick.xml"):
        assert len(_without_phase_elements(data)) < len(data)
        assert b"<pick" not in _without_phase_elements(data).replace(b"<pickID", b"")
