"""CSV exports are safe in spreadsheets: text cells starting with = + - @ (or tab/CR) get an apostrophe."""

from __future__ import annotations

import pandas as pd

from warehouse.safe_csv import neutralise, neutralise_frame


def test_formula_like_text_is_neutralised_numbers_are_not() -> None:
    frame = pd.DataFrame(
        {
            "text": ['=HYPERLINK("x")', "plain", None, "-1", "@SUM(A1)", "+1", "\tcmd"],
            "number": [1.0, -2.0, 3.0, -4.5, 5.0, 6.0, 7.0],
            "typed": pd.Series(["+a", "b", None, "c", "=d", "e", "f"], dtype="str"),
        }
    )
    out = neutralise_frame(frame)
    assert out["text"].tolist()[:2] == ['\'=HYPERLINK("x")', "plain"]
    assert pd.isna(out["text"][2])
    assert out["text"].tolist()[3:] == ["'-1", "'@SUM(A1)", "'+1", "'\tcmd"]
    assert out["number"].tolist() == frame["number"].tolist()
    assert out["typed"].tolist()[0] == "'+a" and out["typed"].tolist()[4] == "'=d"
    assert frame["text"][0].startswith("=")  # the input is not modified


def test_cell_function_agrees_with_frame_function() -> None:
    cells = ["=1", "a", "-x", "@", "", "+"]
    assert neutralise_frame(pd.DataFrame({"c": cells}))["c"].tolist() == [neutralise(c) for c in cells]
