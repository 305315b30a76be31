"""Seed tables + accepted steward submissions in; the merged observations and events of a release out.

A submission either appends to a series (its rows win where the key is the same) or replaces the series
(indicator x country [x partner]) whole. Steward values carry their provenance in `flags`
("submitted_by=<institution>;submission=<id>") and `source_id` "steward".
"""

from __future__ import annotations

import pandas as pd

OBS_KEY = ["indicator_id", "country", "year", "sex", "partner_country"]
SERIES_KEY = ["indicator_id", "country", "partner_country"]


def apply_submissions(
    observations: pd.DataFrame, events: pd.DataFrame, submissions: list[pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Apply submissions in order. Each frame has a `kind` column (observation/event) and a `mode` column."""
    for submission in submissions:
        observations = _merge_observations(observations, submission[submission["kind"] == "observation"])
        events = _merge_events(events, submission[submission["kind"] == "event"])
    return observations.reset_index(drop=True), events.reset_index(drop=True), len(submissions)


def _drop_replaced(frame: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    replaced = incoming[incoming["mode"] == "replace"][SERIES_KEY].drop_duplicates()
    if replaced.empty:
        return frame
    marked = frame.merge(replaced.assign(_replaced=True), on=SERIES_KEY, how="left")
    return frame[marked["_replaced"].isna().to_numpy()]


def _merge_observations(observations: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    if incoming.empty:
        return observations
    rows = incoming[list(observations.columns)]
    kept = _drop_replaced(observations, incoming)
    combined = pd.concat([kept, rows], ignore_index=True)
    return combined.drop_duplicates(subset=OBS_KEY, keep="last")


def _merge_events(events: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    if incoming.empty:
        return events
    rows = incoming[list(events.columns)]
    kept = _drop_replaced(events, incoming)
    key = ["indicator_id", "country", "partner_country", "status", "year"]
    return pd.concat([kept, rows], ignore_index=True).drop_duplicates(subset=key, keep="last")
