"""`lmm users ...`, `lmm audit ...` and `lmm control ...`: steward and admin accounts, API tokens, the audit log
check, and the control database's integrity check, backup and restore."""

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
    from stewards import accounts

    if args.action == "add":
        countries = args.countries.split(",") if args.countries else []
        user = accounts.create_user(args.name, args.role, _read_password(), countries, args.institution or "",
                                trusted=args.trusted)  # fmt: skip
        print(f"added {user.role} {user.name}" + (f" for {', '.join(user.countries)}" if user.countries else ""))
    elif args.action == "token":
        print(accounts.issue_token(args.name))
        print("(shown once: keep it secret; `lmm users revoke NAME` revokes every token of the user)", file=sys.stderr)
    elif args.action == "revoke":
        print(f"revoked {accounts.revoke_tokens(args.name)} token(s) of {args.name}")
    else:
        for user in accounts.list_users():
            scope = ",".join(user.countries) or "-"
            print(f"{user.name:<20}{user.role:<9}{scope:<24}{'trusted ' if user.trusted else ''}{user.institution}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from stewards import store

    if args.action == "verify":
        from stewards import integrity

        problems = store.verify_audit() + integrity.audit_against_backup(store.control_path())
        for line in problems:
            print(f"TAMPERED: {line}")
        count = len(store.audit_entries(limit=-1))
        print(f"audit log: {count} entries, " + ("intact" if not problems else f"{len(problems)} problem(s)"))
        return 1 if problems else 0
    for entry in reversed(store.audit_entries(args.limit)):
        print(f"{entry['seq']:>6}  {entry['at']}  {entry['actor']:<20}{entry['action']:<16}{entry['subject']}  "
              f"{entry['detail']}")  # fmt: skip
    return 0


def cmd_control(args: argparse.Namespace) -> int:
    """The control database: check it, back it up, or restore the last verified backup over a damaged copy."""
    from stewards import integrity, store

    path = store.control_path()
    if args.action == "check":
        why = integrity.check(path)
        backup = integrity.backup_path(path)
        print(f"{path}: " + (f"DAMAGED: {why}" if why else "ok (integrity check passes)"))
        print(f"backup: {backup} " + (f"({backup.stat().st_size:,} bytes)" if backup.exists() else "(none yet)"))
        return 1 if why else 0
    if args.action == "backup":
        with store.connect() as db:
            written = integrity.backup(db, path)
        print(f"backup written: {written}" if written else "backup failed (see the log)")
        return 0 if written else 1
    print(integrity.restore(path, force=args.force))
    store.audit("lmm control", "control_restore", path.name, forced=args.force)
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
    p = subparsers.add_parser("control", help="the control database: integrity check, backup, restore from backup")
    p.add_argument("action", choices=["check", "backup", "restore"])
    p.add_argument("--force", action="store_true", help="restore even though the database passes its check")
    p.set_defaults(func=cmd_control)


def _needs_name(command):
    def run(args: argparse.Namespace) -> int:
        if args.action != "list" and not args.name:
            print(f"error: `lmm users {args.action}` needs a user name", file=sys.stderr)
            return 2
        return command(args)

    return run
