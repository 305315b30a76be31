"""The country search over the bundled seed's real names (country-codes, World Bank, CLDR, the alias list): the
names people type find the right country, best match first."""

from __future__ import annotations

import duckdb
import pytest

from lmm.config import seed_dir
from warehouse.country_search import Names, normalise, read_names, resolve_list, search


@pytest.fixture(scope="module")
def names() -> Names:
    con = duckdb.connect()
    for table in ("countries", "country_names"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [str(seed_dir() / f"{table}.parquet")])
    return read_names(con)


@pytest.mark.parametrize(
    ("typed", "iso3"),
    [
        ("Ivory Coast", "CIV"), ("Cote", "CIV"), ("côte d'ivoire", "CIV"), ("COTE D’IVOIRE", "CIV"),
        ("Vietnam", "VNM"), ("Viet Nam", "VNM"), ("South Korea", "KOR"), ("Korea, Rep.", "KOR"), ("Turkey", "TUR"),
        ("Türkiye", "TUR"), ("turkiye", "TUR"), ("Holland", "NLD"), ("Burma", "MMR"), ("India", "IND"),
        ("IND", "IND"), ("in", "IND"), ("Deutschland", "DEU"), ("Allemagne", "DEU"), ("Costa de Marfil", "CIV"),
        ("Estados Unidos", "USA"), ("UK", "GBR"), ("Swaziland", "SWZ"), ("Nepal", "NPL"), ("Egypt, Arab Rep.", "EGY"),
    ],
)  # fmt: skip
def test_a_name_people_use_finds_the_country_first(names: Names, typed: str, iso3: str) -> None:
    hits = search(names, typed)
    assert hits, f"{typed!r} finds nothing"
    assert hits[0].iso3 == iso3, f"{typed!r} -> {[(h.iso3, h.matched) for h in hits[:3]]}"


def test_india_is_india_before_the_british_indian_ocean_territory(names: Names) -> None:
    codes = [h.iso3 for h in search(names, "India")]
    assert codes[0] == "IND" and "IOT" in codes and codes.index("IOT") > 0


def test_a_hit_says_which_name_matched_and_how(names: Names) -> None:
    hit = search(names, "Holland")[0]
    assert (hit.name, hit.matched, hit.kind, hit.match) == ("Netherlands", "Holland", "alias", "exact")
    assert search(names, "Cote")[0].match == "prefix"
    assert search(names, "NPL")[0].match == "code"


def test_text_naming_nothing_finds_nothing(names: Names) -> None:
    assert search(names, "Atlantis") == []
    assert search(names, "  ,. ") == []


def test_normalise_drops_accents_case_and_punctuation() -> None:
    assert normalise("Côte d’Ivoire") == "cote d ivoire"
    assert normalise("  TÜRKİYE ") == normalise("türkiye")


def test_a_pasted_list_names_countries_in_order_and_says_what_it_did_not_understand(names: Names) -> None:
    found, unknown = resolve_list(names, "IND, Nepal; cote d'ivoire\nSouth Korea\tXX\nnepal\nGuinea")
    assert found == ["IND", "NPL", "CIV", "KOR", "GIN"]
    assert unknown == ["XX"]


def test_an_ambiguous_start_in_a_pasted_list_is_not_guessed(names: Names) -> None:
    found, unknown = resolve_list(names, "Guin")
    assert found == [] and unknown == ["Guin"]


def test_every_alias_names_a_country_of_the_seed() -> None:
    import pandas as pd

    from loaders.country_names import ALIASES

    countries = set(pd.read_parquet(seed_dir() / "countries.parquet")["iso3"])
    assert set(ALIASES) <= countries
