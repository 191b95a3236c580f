"""`finsam`: the app's batch twin (docs/CLI.md). Same loaders and metrics as the pages."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from dashboard import cli_data
from dashboard.cli_compare import add_compare_parser
from dashboard.cli_kpi import add_kpi_parser
from dashboard.cli_report import add_report_parser
from dashboard.config import settings
from dashboard.users import (
    ROLES,
    User,
    UserError,
    add_user,
    load_users,
    remove_user,
    set_password,
)

EXIT_OK, EXIT_FAILURE, EXIT_REJECTED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar of docs/CLI.md."""
    parser = argparse.ArgumentParser(prog="finsam", description="Finsam-dashboardens "
                                     "kommandorad: ladda data, ångra uppladdningar, ta fram "
                                     "nyckeltal och rapporter.")
    parser.add_argument("--db", help="SQLAlchemy-URL (standard: DATABASE_URL eller SQLite-filen)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="skapa eller uppgradera databasen")
    demo = sub.add_parser("demo", help="ladda demodata (fiktiva förbund)")
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--if-empty", action="store_true",
                      help="ladda bara om databasen saknar data")

    imp = sub.add_parser("import", help="validera och importera filer som en uppladdning")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--user", default=getpass.getuser())
    imp.add_argument("--dry-run", action="store_true")

    ups = sub.add_parser("uploads", help="lista uppladdningar, nyaste först")
    ups.add_argument("--format", choices=["json", "table"], default="table")

    undo = sub.add_parser("undo", help="ångra en uppladdning")
    undo.add_argument("upload_id", type=int)
    undo.add_argument("--user", default=getpass.getuser())

    tmpl = sub.add_parser("template", help="skriv mallen (xlsx) med alla blad")
    tmpl.add_argument("out", type=Path)

    add_kpi_parser(sub)
    add_compare_parser(sub)
    add_report_parser(sub)

    user = sub.add_parser("user", help="hantera inloggningar")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--forbund", action="append", default=[])
    add.add_argument("--insats", action="append", default=[])
    add.add_argument("--display-name", default=None)
    add.add_argument("--password-stdin", action="store_true")
    passwd = user_sub.add_parser("passwd", help="byt lösenord; loggar ut användaren överallt")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    rm = user_sub.add_parser("remove")
    rm.add_argument("name")
    user_sub.add_parser("list")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 2 input rejected, 1 other failure)."""
    args = build_parser().parse_args(argv)
    conf = settings()
    try:
        if args.command == "user":
            return _user(args, conf.auth_file)
        if args.command == "compare":
            return _compare(args, args.db or conf.database_url, conf.compare_min)
        return cli_data.run(args, args.db or conf.database_url, conf.snapshot_dir)
    except UserError as err:
        print(f"Fel: {err}", file=sys.stderr)
        return EXIT_REJECTED
    except Exception as err:  # noqa: BLE001 - the CLI reports every failure in one line
        print(f"Fel: {err}", file=sys.stderr)
        return EXIT_FAILURE


def _compare(args, database_url: str, min_units: int) -> int:
    from dashboard.cli_compare import run_compare
    from loaders.schema import make_engine, upgrade

    engine = make_engine(database_url)
    upgrade(engine)  # as for `finsam kpi`: an old database is brought up to date first
    try:
        return run_compare(engine, args, min_units)
    finally:
        engine.dispose()


def _user(args, auth_file: Path) -> int:
    if args.user_command == "list":
        for u in load_users(auth_file).values():
            scope = ", ".join(u.forbund) or "alla förbund"
            extra = f"; insatser: {', '.join(u.insatser)}" if u.insatser else ""
            print(f"{u.username}\t{u.role}\t{scope}{extra}")
        return EXIT_OK
    if args.user_command == "remove":
        remove_user(auth_file, args.name)
        print(f"Användaren {args.name} är borttagen och utloggad överallt.")
        return EXIT_OK
    password = _read_password(args.password_stdin)
    if args.user_command == "passwd":
        set_password(auth_file, args.name, password)
        print(f"Lösenordet för {args.name} är bytt; alla tidigare inloggningar har upphört.")
        return EXIT_OK
    user = User(username=args.name, name=args.display_name or args.name, role=args.role,
                forbund=tuple(args.forbund), insatser=tuple(args.insats))
    add_user(auth_file, user, password)
    print(f"Användaren {args.name} ({args.role}) är sparad i {auth_file}.")
    return EXIT_OK


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Lösenord: ")
    if getpass.getpass("Upprepa lösenordet: ") != password:
        raise UserError("Lösenorden är inte lika.")
    return password


if __name__ == "__main__":
    sys.exit(main())
