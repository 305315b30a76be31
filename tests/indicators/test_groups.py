"""The named groups of /compare?group=<slug>: each regional consultative process and bloc of issue 18 is there, with
members that are countries of the bundled seed and a cited source (URL and the date its list holds for)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.groups import GroupError, named_groups
from lmm.config import seed_dir

REQUIRED = ["colombo-process", "abu-dhabi-dialogue", "budapest-process", "rabat-process", "puebla-process", "ecowas",
            "sadc", "igad", "asean", "gcc", "mercosur", "eu", "au"]  # fmt: skip


def test_every_required_group_is_named_with_a_cited_source() -> None:
    groups = {g.slug: g for g in named_groups()}
    assert set(REQUIRED) <= set(groups)
    for slug in REQUIRED:
        group = groups[slug]
        assert group.source_url.startswith("http") and group.as_of[:2] == "20" and group.source
        assert {lang for lang, _ in group.titles} == {"en", "es", "fr"}


def test_every_member_is_a_country_of_the_seed() -> None:
    countries = pd.read_parquet(seed_dir() / "countries.parquet")
    known = set(countries.loc[~countries["is_aggregate"].astype(bool), "iso3"])
    for group in named_groups():
        assert set(group.members) <= known, (group.slug, sorted(set(group.members) - known))


@pytest.mark.parametrize(
    ("slug", "size", "some", "never"),
    [
        ("colombo-process", 12, {"NPL", "LKA", "KHM"}, {"ARE"}),
        ("abu-dhabi-dialogue", 18, {"ARE", "MYS", "NPL"}, {"KHM"}),
        ("gcc", 6, {"SAU", "QAT"}, {"MYS"}),
        ("ecowas", 12, {"CIV", "NGA"}, {"MLI", "BFA", "NER"}),  # withdrew on 29 January 2025
        ("asean", 11, {"TLS", "MMR"}, set()),
        ("mercosur", 5, {"BOL"}, {"VEN"}),  # suspended
        ("eu", 27, {"HRV"}, {"GBR"}),
        ("au", 55, {"MAR", "ESH"}, set()),
        ("rabat-process", 55, {"SEN", "CHE"}, {"DZA", "LBY", "GBR"}),  # observers, withdrawn
    ],
)  # fmt: skip
def test_membership_as_the_sources_list_it(slug: str, size: int, some: set[str], never: set[str]) -> None:
    group = {g.slug: g for g in named_groups()}[slug]
    assert len(group.members) == size and some <= set(group.members) and not never & set(group.members)


def test_a_wrong_entry_is_refused_naming_the_group(tmp_path: Path) -> None:
    bad = tmp_path / "groups.yaml"
    bad.write_text(
        "groups:\n  - {slug: x-y, kind: rcp, title: {en: X, es: X, fr: X}, source: S, source_url: https://x.org,"
        " as_of: '2024', members: [AAA]}\n"
    )
    with pytest.raises(GroupError, match="group x-y: as_of"):
        named_groups(bad)
