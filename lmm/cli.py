"""`lmm`: the one command line. Each sub-command is a thin wrapper over the packages; `lmm COMMAND --help` says
what it does."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from lmm.config import raw_dir, seed_dir, setting

# Modules that add their own sub-commands with register(subparsers) (kept apart to keep this file short).
EXTENSIONS = ["lmm.cli_scores", "lmm.cli_users", "lmm.cli_rounds"]


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def cmd_seed(args: argparse.Namespace) -> int:
    from loaders.seed import run_loaders, write_seed

    source = Path(args.source).resolve()
    if not source.is_dir():
        print(f"error: {source} is not a folder of original source files", file=sys.stderr)
        return 2
    started = time.perf_counter()
    seed = run_loaders(source, progress=_progress)
    counts = write_seed(seed, Path(args.to) if args.to else seed_dir())
    unmatched = seed["unmatched"]
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "rows": counts}, indent=2))
    print(f"{len(unmatched[unmatched.reason == 'unmatched'])} unmatched names/codes (see `lmm info --unmatched`)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from loaders.seed import read_seed
    from stewards.store import accepted_submission_frames
    from warehouse.build import BuildInputs, build_release

    seed = read_seed(Path(args.seed) if args.seed else seed_dir())
    inputs = BuildInputs(
        seed, accepted_submission_frames(), actor=args.actor, reason=args.reason, status_year=args.status_year
    )
    print(build_release(inputs, progress=_progress))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from warehouse.connection import cursor
    from warehouse.read import release_info, table_counts, theme_coverage, un_member_coverage

    release_id, cur = cursor(args.release)
    info = release_info(cur)
    print(f"release {release_id} (created {info['created_at']}, status year {info['status_year']}, "
          f"methodology {info['methodology_version']})")  # fmt: skip
    print("\nrows per table:")
    for name, count in table_counts(cur).items():
        print(f"  {name:<24}{count:>10,}")
    print("\ncoverage per theme (scored indicators, countries x indicators with a current value):")
    print(theme_coverage(cur).to_string(index=False))
    print("\nscored for the 193 UN member states, per theme and MFLM principle (targets: themes 90%, principles 80%):")
    print(un_member_coverage(cur).to_string(index=False))
    _print_apart(cur, args.unmatched)
    return 0


def _print_apart(cur, full: bool) -> None:
    rows = cur.execute("SELECT reason, source_id, count(*) FROM unmatched GROUP BY ALL ORDER BY ALL").fetchall()
    print("\nkept apart (not countries) and unmatched, per source:")
    for reason, source, count in rows:
        print(f"  {reason:<14}{source:<18}{count:>6}")
    if full:
        for source, file, key, reason in cur.execute(
            "SELECT source_id, file, key, reason FROM unmatched ORDER BY ALL"
        ).fetchall():
            print(f"  {reason:<14}{source:<20} {file}: {key}")
    else:
        print("  (`lmm info --unmatched` lists every name and code)")


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.connection import cursor
    from warehouse.read import export_rows, indicator_type

    release_id, cur = cursor(args.release)
    if indicator_type(cur, args.indicator) is None:
        print(f"error: unknown indicator {args.indicator!r} (see `lmm export --help`)", file=sys.stderr)
        return 2
    year = args.year
    frame = export_rows(cur, args.indicator, country=args.country, year_from=year, year_to=year, sex=args.sex)
    if args.format == "json":
        payload = {"release": release_id, "rows": json.loads(frame.to_json(orient="records"))}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        from warehouse.safe_csv import neutralise_frame

        sys.stdout.write(neutralise_frame(frame).to_csv(index=False))
    return 0


def cmd_releases(args: argparse.Namespace) -> int:
    from warehouse import releases

    if args.action == "rollback":
        releases.rollback(args.release_id, actor=args.actor)
        print(f"current release is now {releases.current_release_id()}")
        return 0
    current = releases.current_release_id()
    history = {h.release_id: h for h in releases.read_history() if h.action == "publish"}
    for release_id in releases.list_release_ids():
        entry = history.get(release_id)
        mark = "*" if release_id == current else " "
        print(f"{mark} {release_id}  {entry.at + '  ' + entry.actor + '  ' + entry.summary if entry else ''}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmm", description="Labour Migration Policy Monitor command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seed", help="parse the original source files into the bundled seed (data/seed)")
    p.add_argument(
        "--from", dest="source", default=str(raw_dir()), help="folder of original files (default: %(default)s)"
    )
    p.add_argument("--to", default=None, help="seed folder to write (default: LMM_SEED_DIR)")
    p.set_defaults(func=cmd_seed)
    p = sub.add_parser(
        "build", help="build a release from the seed plus accepted submissions and publish it atomically"
    )
    p.add_argument("--seed", default=None, help="seed folder (default: LMM_SEED_DIR)")
    p.add_argument("--status-year", type=int, default=None, help="year the scorecards describe (default: last year)")
    p.add_argument("--actor", default="lmm build", help="who is recorded as publishing")
    p.add_argument("--reason", default="build from the bundled seed", help="why, recorded in the release history")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("info", help="current release, row counts per table, coverage per theme, unmatched names")
    p.add_argument("--release", default=None, help="an earlier release id (default: current)")
    p.add_argument("--unmatched", action="store_true", help="list every unmatched name/code and aggregate kept apart")
    p.set_defaults(func=cmd_info)
    p = sub.add_parser("export", help="tidy rows of one indicator to stdout")
    p.add_argument("--indicator", required=True, help="indicator id (see the registry or /framework)")
    p.add_argument("--country", default=None, type=str.upper, help="ISO3 code")
    p.add_argument("--year", default=None, type=int, help="one year")
    p.add_argument("--sex", default=None, choices=["total", "female", "male"], help="one sex")
    p.add_argument("--release", default=None, help="an earlier release id (default: current)")
    p.add_argument("--format", default="csv", choices=["csv", "json"])
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("releases", help="list releases or roll back to one")
    p.add_argument("action", choices=["list", "rollback"])
    p.add_argument("release_id", nargs="?", help="release to roll back to")
    p.add_argument("--actor", default="lmm releases", help="who is recorded as rolling back")
    p.set_defaults(func=cmd_releases)
    for name in EXTENSIONS:
        try:
            importlib.import_module(name).register(sub)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "action", None) == "rollback" and not args.release_id:
        print("error: `lmm releases rollback` needs a release id (see `lmm releases list`)", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except Exception as error:  # every failure reaches the user as one readable line, not a traceback
        if setting("LMM_DEBUG"):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
