"""`lmm users ...` and `lmm audit ...`: steward and admin accounts, API tokens, and the audit log check."""

from __future__ import annotations

import argparse
import getpass
import sys


def _read_password() -> str:
    """From the terminal (asked twice) or the first line of standard input; never from the command line."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("password again: "):
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    from dashboard.steward import auth

    if args.action == "add":
        countries = args.countries.split(",") if args.countries else []
        user = auth.create_user(args.name, args.role, _read_password(), countries, args.institution or "",
                                trusted=args.trusted)  # fmt: skip
        print(f"added {user.role} {user.name}" + (f" for {', '.join(user.countries)}" if user.countries else ""))
    elif args.action == "token":
        print(auth.issue_token(args.name))
        print("(shown once: keep it secret; `lmm users revoke NAME` revokes every token of the user)", file=sys.stderr)
    elif args.action == "revoke":
        print(f"revoked {auth.revoke_tokens(args.name)} token(s) of {args.name}")
    else:
        for user in auth.list_users():
            scope = ",".join(user.countries) or "-"
            print(f"{user.name:<20}{user.role:<9}{scope:<24}{'trusted ' if user.trusted else ''}{user.institution}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from dashboard.steward import store

    if args.action == "verify":
        problems = store.verify_audit()
        for line in problems:
            print(f"TAMPERED: {line}")
        count = len(store.audit_entries(limit=-1))
        print(f"audit log: {count} entries, " + ("intact" if not problems else f"{len(problems)} problem(s)"))
        return 1 if problems else 0
    for entry in reversed(store.audit_entries(args.limit)):
        print(f"{entry['seq']:>6}  {entry['at']}  {entry['actor']:<20}{entry['action']:<16}{entry['subject']}  "
              f"{entry['detail']}")  # fmt: skip
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("users", help="steward/admin accounts and API tokens (control database)")
    p.add_argument("action", choices=["add", "token", "revoke", "list"])
    p.add_argument("name", nargs="?", help="user name (add, token, revoke)")
    p.add_argument("--role", choices=["admin", "steward"], default="steward")
    p.add_argument("--countries", default="", help="ISO3 codes a steward submits for, comma-separated (MEX,GTM)")
    p.add_argument("--institution", default="", help="shown as 'submitted by' on published values")
    p.add_argument("--trusted", action="store_true", help="publish without review when LMM_AUTO_PUBLISH=1")
    p.set_defaults(func=_needs_name(cmd_users))
    p = subparsers.add_parser("audit", help="the append-only audit log: list entries or verify the hash chain")
    p.add_argument("action", choices=["list", "verify"])
    p.add_argument("--limit", type=int, default=50, help="entries to list (default: %(default)s)")
    p.set_defaults(func=cmd_audit)


def _needs_name(command):
    def run(args: argparse.Namespace) -> int:
        if args.action != "list" and not args.name:
            print(f"error: `lmm users {args.action}` needs a user name", file=sys.stderr)
            return 2
        return command(args)

    return run
