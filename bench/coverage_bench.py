"""Prints, for the 193 UN member states, how many have a score per theme and per MFLM principle, against the
targets (themes 90 %, principles 80 % or declared not measured), for the bundled seed at status year 2025: with
methodology 2026.2 (index indicators, at least two per score, list universes and tolerances) and, side by side,
with those rules switched off (every scored indicator aggregated, one enough, lists never stale, no universes).
Run: `python -m bench.coverage_bench`."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

TARGETS = {"theme": 90.0, "principle": 80.0}


def scored_share(tables: dict[str, pd.DataFrame], members: set[str]) -> dict[tuple[str, str], float]:
    out = {}
    for kind, table in (("theme", "theme_scores"), ("principle", "principle_scores")):
        frame = tables[table][tables[table]["country"].isin(members)]
        for key, group in frame.groupby(kind):
            out[(kind, str(key))] = round(100 * group["score"].notna().sum() / len(members), 1)
    return out


def without_new_rules(registry: Any) -> Any:
    indicators = {k: dataclasses.replace(v, universe=None, built_from=()) for k, v in registry.indicators.items()}
    return dataclasses.replace(registry, indicators=indicators, index_share=0.0, min_index_indicators=1,
                               absence_tolerance={})  # fmt: skip


def main() -> dict[str, object]:
    from indicators.index import un_members
    from indicators.quality import flag_suspect
    from indicators.registry import load_registry
    from indicators.registry_export import methodology_dict, release_methodology
    from indicators.release import score_release
    from lmm.config import seed_dir
    from loaders.seed import read_seed

    seed, registry = read_seed(seed_dir()), load_registry()
    members = un_members(seed["countries"])
    observations = flag_suspect(seed["observations"], registry.indicators.values())
    args = (observations, seed["events"], seed["event_lists"], seed["countries"])
    now = score_release(*args, registry, 2025)
    before = score_release(*args, without_new_rules(registry), 2025)
    method = release_methodology(methodology_dict(registry), registry, now["indicator_index"])
    not_measured = {str(n) for n in method["not_measured"]}
    after, old = scored_share(now, members), scored_share(before, members)
    keys = [("theme", t) for t in sorted(registry.themes)] + [
        ("principle", str(n)) for n in sorted(registry.principles)
    ]
    rows, summary = [], []
    print(f"{'':10}{'':18}{'rules off':>10}{'2026.2':>10}{'target':>8}  status")
    for kind, key in keys:
        share, target = after.get((kind, key), 0.0), TARGETS[kind]
        declared = kind == "principle" and key in not_measured
        status = "declared not measured" if declared else "met" if share >= target else "below target"
        print(f"{kind:10}{key:18}{old.get((kind, key), 0.0):>9.1f}%{share:>9.1f}%{target:>7.0f}%  {status}")
        rows.append({"kind": kind, "key": key, "rules_off_pct": old.get((kind, key), 0.0), "pct": share,
                     "target_pct": target, "status": status})  # fmt: skip
        summary.append({"figure": f"UN members scored, {kind} {key}", "measured": f"{share:.1f}%",
                        "target": f">= {target:.0f}%" + (" or declared not measured" if kind == "principle" else ""),
                        "met": status != "below target"})  # fmt: skip
    index = now["indicator_index"]
    print(f"\nindex indicators ({int(index['index'].sum())} of {len(index)} scored): "
          + ", ".join(index.loc[index["index"], "indicator_id"]))  # fmt: skip
    print("not measured by public data: principles " + ", ".join(sorted(not_measured, key=int)))
    return {"rows": rows, "not_measured": sorted(not_measured, key=int), "summary": summary}


if __name__ == "__main__":
    main()
