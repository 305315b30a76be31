"""`lmm rounds open|close|reopen|list`: reporting rounds (which indicators and countries are expected, by when)."""

from __future__ import annotations

import argparse


def _line(rnd) -> str:
    from stewards import rounds

    state = "open" if rnd.is_open() else "closed"
    expected, done = rounds.progress(rnd)
    return (f"{rnd.id:>4}  {state:<7}{rnd.deadline}  {len(done)}/{len(expected)} series submitted  {rnd.name}  "
            f"[{', '.join(rnd.indicators)}] x [{', '.join(rnd.countries)}]")  # fmt: skip


def cmd_rounds(args: argparse.Namespace) -> int:
    from stewards import rounds

    if args.action == "open":
        if not (args.indicators and args.countries and args.deadline):
            raise rounds.RoundError("`lmm rounds open` needs --indicators, --countries and --deadline")
        found = rounds.open_round(args.name or f"round to {args.deadline}", args.indicators.split(","),
                                  args.countries.split(","), args.deadline, args.actor)  # fmt: skip
        print(f"opened {_line(found).strip()}")
    elif args.action in ("close", "reopen"):
        if args.round_id is None:
            raise rounds.RoundError(f"`lmm rounds {args.action}` needs a round id (see `lmm rounds list`)")
        if args.action == "close":
            print(f"closed {_line(rounds.close_round(args.round_id, args.actor)).strip()}")
        else:
            print(f"reopened {_line(rounds.reopen_round(args.round_id, args.actor, args.deadline)).strip()}")
    else:
        for rnd in rounds.list_rounds():
            print(_line(rnd))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rounds", help="reporting rounds: open, close, reopen or list them")
    p.add_argument("action", choices=["open", "close", "reopen", "list"])
    p.add_argument("round_id", nargs="?", type=int, help="the round to close or reopen")
    p.add_argument("--indicators", help="comma-separated indicator ids a steward can submit (open)")
    p.add_argument("--countries", help="comma-separated ISO3 codes (open)")
    p.add_argument("--deadline", help="last day files are accepted, YYYY-MM-DD (open; reopen after it passed)")
    p.add_argument("--name", help="what the round is called (open)")
    p.add_argument("--actor", default="lmm rounds", help="who is recorded as acting")
    p.set_defaults(func=cmd_rounds)
