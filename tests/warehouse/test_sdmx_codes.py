"""Given/expect: how warehouse/sdmx*.py codes flags, categorical values, units and ids (no release needed)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from warehouse.sdmx import Code, Codelist, check_ids, slug, value_code
from warehouse.sdmx_csv import obs_status, to_csv


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ("", "A"),
        (None, "A"),
        ("nature=c", "A"),
        ("nature=C;survey=ABW - PC - Population and Housing Census", "A"),
        ("nature=g", "A"),
        ("nature=e", "E"),
        ("nature=E", "E"),
        ("nature=m", "E"),  # modelled: CL_OBS_STATUS has no code of its own
        ("nature=ca", "E"),
        ("nature=c/e", "E"),  # two rows merged by the loader: one of them estimated
        ("obs_status=a", "A"),
        ("obs_status=e", "E"),
        ("obs_status=notspec", "A"),
        ("type_of_data=B R", "A"),
        ("type_of_data=I R", "E"),  # UN DESA: imputed
        ("estimate=ILO modelled", "E"),
        ("estimate=KNOMAD model (Ratha and Shaw 2007);third_party_copy=not verified", "E"),
        ("origin_by=country_of_birth;break=source changed", "A"),  # a break stays in COMMENT_OBS
        ("suspect=0 before the series' first count: not counted", "A"),
        ("submitted_by=INEGI Mexico;submission=s1;cited_source=ENOE", "A"),
        ("note=the estimate is official;date=2001-01-01", "A"),  # a word in a note is not a flag
    ],
)
def test_obs_status_from_flags(flags, status):
    assert obs_status(flags) == status


TABLE = {"3": "Full dual citizenship acceptance", "2": "Accepted for immigrants only", "9": "Not applicable: none"}


@pytest.mark.parametrize(
    ("table", "value", "label", "code"),
    [
        (TABLE, 3.0, "full acceptance", "3"),  # the publisher's label is not the table's: the value decides
        (TABLE, 2.0, "accepted for immigrants only", "2"),  # the label, case aside
        (TABLE, math.nan, "Not applicable: none", "9"),  # no value: the label names the category
        ({"in_force": "Ratified, in force", "party": "Ratified"}, None, "party", "party"),  # an event status
        (None, 4.0, "Fully meets", "4"),  # no table: the value
        (None, None, "Upper middle income", "UPPER_MIDDLE_INCOME"),  # no table, no value: the label as a code
        (None, None, "in_force", "in_force"),  # an event status is a code already
    ],
)
def test_value_code(table, value, label, code):
    assert value_code(table, value, label) == code


def test_value_code_refuses_a_category_outside_its_table():
    with pytest.raises(ValueError, match="'7'"):
        value_code(TABLE, 7.0, None)


def test_slug_and_ids():
    assert slug("months of earnings") == "MONTHS_OF_EARNINGS"
    assert slug("category 0-3") == "CATEGORY_0_3"
    with pytest.raises(ValueError):
        slug("%")
    good = Codelist("CL_X", {"en": "x"}, (Code("MEX", {"en": "Mexico"}), Code("_Z", {"en": "n/a"})))
    check_ids([good])
    bad = Codelist("CL_X", {"en": "x"}, (Code("a b", {"en": "?"}), Code("-1", {"en": "?"}), Code("MEX", {}),
                                         Code("MEX", {})))  # fmt: skip
    with pytest.raises(ValueError, match=r"\['a b', '-1'\].*\['MEX'\]"):
        check_ids([bad])


def test_csv_neutralises_comments_and_keeps_negative_numbers():
    frame = pd.DataFrame({"OBS_VALUE": ["-1.5"], "COMMENT_OBS": ['=HYPERLINK("x")'], "REF_AREA": ["MEX"]})
    assert to_csv(frame) == 'OBS_VALUE,COMMENT_OBS,REF_AREA\n-1.5,"\'=HYPERLINK(""x"")",MEX\n'
