"""Given/expect: the two warning rules on a few literal rows (robust z-score against the series' own history, and
against other countries the same year), their ids stable and their numbers stated."""

from __future__ import annotations

import pandas as pd

from stewards import value_warnings as vw

KEY = {"indicator_id": "recruitment_cost_months", "partner_country": "", "sex": "total"}


def frame(rows: list[tuple[int, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{**KEY, "row": r, "country": c, "year": y, "value": v} for r, c, y, v in rows])


HISTORY = frame([(0, "MEX", 2019, 4.0), (0, "MEX", 2020, 4.1), (0, "MEX", 2021, 4.2), (0, "MEX", 2022, 4.1)]
                + [(0, c, 2023, v) for c, v in zip(["BGD", "PHL", "NPL", "KHM", "GTM", "SLV"],
                                                   [3.9, 4.4, 4.0, 4.2, 3.8, 4.1], strict=True)])  # fmt: skip


def test_far_from_its_own_history_and_from_other_countries() -> None:
    values = frame([(2, "MEX", 2023, 41.0), (3, "MEX", 2024, 4.3)])
    [own] = vw._against_history(values, HISTORY)
    assert (own["row"], own["rule"], own["median"], own["n"]) == (2, "history", 4.1, 4)
    assert own["message"] == "41 is far from this series' own history: median 4.1 over 4 earlier years"
    [peers] = vw._against_peers(values, HISTORY)
    assert (peers["row"], peers["rule"], peers["n"], peers["low"], peers["high"]) == (2, "peers", 6, 3.8, 4.4)
    assert peers["id"] != own["id"] and peers["id"] == vw._against_peers(values, HISTORY)[0]["id"]


def test_a_value_within_its_history_or_with_too_little_history_is_not_a_warning() -> None:
    assert vw._against_history(frame([(2, "MEX", 2023, 4.3)]), HISTORY) == []
    assert vw._against_history(frame([(2, "MEX", 2021, 40.0)]), HISTORY) == []  # only 2 earlier years
    assert vw._against_peers(frame([(2, "MEX", 2023, 4.5)]), HISTORY) == []


def test_a_series_that_never_varied_warns_beyond_half_its_value() -> None:
    flat = frame([(0, "PHL", y, 2.0) for y in (2019, 2020, 2021)])
    assert vw._against_history(frame([(2, "PHL", 2022, 2.9)]), flat) == []
    [warning] = vw._against_history(frame([(2, "PHL", 2022, 3.1)]), flat)
    assert warning["z"] is None and warning["median"] == 2.0


def test_justifications_cover_warnings_only_when_not_blank() -> None:
    warnings = [{"id": "w1"}, {"id": "w2"}]
    assert vw.missing(warnings, {"w1": "a new survey", "w2": "  "}) == ["w2"]
    assert [w["justification"] for w in vw.with_justifications(warnings, {"w1": "x"})] == ["x", None]
