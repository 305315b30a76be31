"""Accepted steward submissions, in approval order, as frames the release build merges (see warehouse.merge)."""

from __future__ import annotations

import pandas as pd


def accepted_submissions() -> list[pd.DataFrame]:
    """Every accepted submission's rows; the steward workflow (dashboard.steward) stores them in the control DB."""
    try:
        from dashboard.steward.store import accepted_submission_frames
    except ModuleNotFoundError:
        return []
    return accepted_submission_frames()
