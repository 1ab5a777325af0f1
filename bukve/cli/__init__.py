"""The `bukve` command line."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from bukve.cli import catalog
from bukve.cli.common import fail, library_named, migrate, one_line, setup
from bukve.days import parse_day  # the dates a command accepts at all; some bound them more

if TYPE_CHECKING:
    from bukve.libraries.models import Library

MAX_LIMIT = 10_000  # messages in one `outbox send`


# Argument types: a bad argument ends the command with argparse's usage line and exit 2.


def _date(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _name(text: str) -> str:
    """A library code, a user name, a token's prefix: one line of text, not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return one_line(text).strip()


def _whole(low: int, high: int) -> Any:
    def whole(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", text.strip(), re.ASCII):
            raise argparse.ArgumentTypeError(f"not a whole number from {low} to {high}: {text!r}")
        number = int(text)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"not a whole number from {low} to {high}: {text!r}")
        return number

    return whole


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def cmd_simulate(args: argparse.Namespace) -> int:
    from bukve.simulate.scenario import ScenarioError, load

    try:
        scenario = load(args.scenario)
    except ScenarioError as error:
        return fail("simulate", str(error))
    setup("sqlite://:memory:")
    migrate()
    from bukve.simulate.runner import run

    report = run(scenario, explain=args.explain)
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


def cmd_daily(args: argparse.Namespace) -> int:
    setup()
    migrate()
    from bukve.circulation.daily import daily_run
    from bukve.libraries.selectors import rules_start

    libraries = _libraries("daily", args.library)
    if libraries is None:
        return 2
    if args.date is not None:
        # A day that has not begun has no events yet; and a day before a library's rules
        # start would make every later run catch up on all the days since.
        if args.date > _today():
            return fail("daily", f"--date {args.date} is in the future (today is {_today()})")
        for library in libraries:
            start = rules_start(library)
            if start is not None and args.date < start:
                return fail("daily", f"--date {args.date} is before the rules of "
                                      f"{library.code} start ({start})")  # fmt: skip
    for library in libraries:
        for run in daily_run(library=library, until=args.date):
            print(f"{library.code} {run.date}: {run.notices} notices, {run.charges} charges, "
                  f"{run.holds_expired} holds expired")  # fmt: skip
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    """`bukve members purge`: delete the members whose data may be kept no longer (Tolmin
    art. 55); meant to run daily, like `bukve daily`."""
    setup()
    migrate()
    from django.utils import timezone

    from bukve.membership.personal_data import members_purge

    today = args.date or timezone.localdate()
    if today > timezone.localdate():  # would delete data that may still be kept
        return fail("members purge", f"--date {today} is in the future "
                                      f"(today is {timezone.localdate()})")  # fmt: skip
    libraries = _libraries("members purge", args.library)
    if libraries is None:
        return 2
    for library in libraries:
        print(f"{library.code} {today}: {members_purge(library=library, today=today)} "
              "members purged")  # fmt: skip
    return 0


def _outbox_send(limit: int) -> str:
    from bukve.accounts.online import online_payments_expire
    from bukve.notices.services import outbox_send

    online_payments_expire()  # online payment orders left unpaid; the worker runs often
    counts = outbox_send(limit=limit)
    return f"{counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed"


def cmd_outbox(args: argparse.Namespace) -> int:
    setup()
    migrate()
    print(f"outbox: {_outbox_send(args.limit)}")
    return 0


def cmd_bank(args: argparse.Namespace) -> int:
    """`bukve bank import FILE --library CODE`: book a bank statement's transfers as payments
    (bukve/accounts/bank.py). Exit 1, with each bad row's line and reason code, if the file
    has rows that cannot be read: then nothing is imported."""
    setup()
    migrate()
    from bukve.accounts.bank import (
        IMPORTED_BEFORE,
        MATCHED,
        MAX_BYTES,
        UNMATCHED,
        BankFileError,
        bank_statement_import,
        statement_decode,
    )
    from bukve.libraries.selectors import staff_user

    command = "bank import"
    library = library_named(command, args.library)
    if library is None:
        return 2
    user = None
    if args.user:
        user = staff_user(library, args.user)
        if user is None:
            return fail(command, f"no staff member {args.user!r} at {library.code}")
    try:
        with open(args.file, "rb") as file:
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return fail(command, f"{args.file}: larger than {MAX_BYTES // 1024 // 1024} MB")
        result = bank_statement_import(library=library, text=statement_decode(data), by=user)
    except OSError as error:
        return fail(command, f"{args.file}: cannot read: {error.strerror or error}")
    except BankFileError as error:
        return fail(command, f"{args.file}: {error}")
    if result.bad:
        for bad in result.bad:
            value = f": {bad.value!r}" if bad.value else ""
            print(f"{args.file}:{bad.line}: {bad.code}{value}", file=sys.stderr)
        print(f"bukve {command}: nothing imported ({len(result.bad)} bad rows)", file=sys.stderr)
        return 1
    matched, unmatched = result.of(MATCHED), result.of(UNMATCHED)
    before = len(result.of(IMPORTED_BEFORE))
    print(f"{library.code}: {len(result.rows)} rows: {len(matched)} booked "
          f"({result.booked} EUR), {len(unmatched)} unmatched, "
          f"{before} imported before")  # fmt: skip
    for r in matched:
        card = r.member.card_number if r.member else ""
        receipt = r.payment.receipt_number if r.payment else ""
        print(f"  line {r.row.line}: {r.row.amount} booked for {card} (bank {r.row.bank_id}, "
              f"receipt {receipt})")  # fmt: skip
    for r in unmatched:
        print(f"  line {r.row.line}: {r.row.amount} {r.row.reference!r} {r.row.payer!r}: "
              f"unmatched ({r.reason})")  # fmt: skip
    return 0


def _policy_lines(policy: Any) -> list[str]:
    """The policy as dotted keys with values; assumed values are marked."""
    from bukve.rules.policy import flat_values

    return [
        f"{key} = {value}" + ("   [assumed: to be confirmed]" if policy.is_assumed(key) else "")
        for key, value in flat_values(policy.data)
    ]


def cmd_library(args: argparse.Namespace) -> int:
    from bukve.rules.policy import PolicyError

    setup()
    from bukve.libraries.services import library_load, preset_read

    try:
        policy = preset_read(args.preset)
    except PolicyError as error:
        return fail(f"library {args.action}", str(error))
    except OSError as error:  # a folder, a file that may not be read
        return fail(f"library {args.action}", f"{args.preset}: cannot read: "
                                               f"{error.strerror or error}")  # fmt: skip
    if args.action == "show":
        print(f"{policy.name} ({policy.id}), valid from {policy.valid_from}")
        print("\n".join(_policy_lines(policy)))
        return 0
    migrate()
    library = library_load(policy=policy)
    print(f"loaded {library.code}: {library.name} ({library.branches.count()} branches)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup(web=True)
    migrate()
    from django.contrib.staticfiles.management.commands.runserver import Command as RunServer
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer

    class Server(WSGIServer):
        # Connections waiting to be accepted: Django's 10 drops some when 24 desks (and their
        # self-check machines) send at once.
        request_queue_size = 128

    runserver = RunServer()
    runserver.server_cls = Server
    call_command(runserver, f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # A development key, the demo logins on the home page, and e-mail and SMS kept as files
    # under var/ (settings: BUKVE_MAIL_DIR, BUKVE_SMS_DIR) instead of going out.
    os.environ["BUKVE_DEMO"] = "true"
    os.environ.setdefault("BUKVE_EMAIL_TIMEOUT", "3")  # if SMTP is asked for, don't wait long
    setup(web=True)
    migrate()
    import threading
    import time

    from django.conf import settings
    from django.db import connection

    from bukve.accounts.online import online_payments_expire
    from bukve.demo import demo_load
    from bukve.notices.channels import kept_files
    from bukve.notices.services import outbox_send_all

    demo_load(out=sys.stdout)
    online_payments_expire()
    counts = outbox_send_all()
    print(f"bukve demo: outbox: {counts['sent']} sent, {counts['retry']} to retry, "
          f"{counts['failed']} failed")  # fmt: skip
    for what, folder, count in kept_files():
        print(f"bukve demo: {what}: {count} in {folder}/<library>/")
    if settings.BUKVE_MAIL_DIR and settings.BUKVE_SMS_DIR:
        print("bukve demo: no message leaves this machine; those queued while you try the demo "
              "are delivered there every 30 seconds")  # fmt: skip

        def keep_delivering() -> None:
            while True:
                time.sleep(30)
                try:
                    outbox_send_all()
                except Exception as error:  # the demo goes on; the next round tries again
                    print(f"bukve demo: outbox: {error}", file=sys.stderr)
                finally:
                    connection.close()

        threading.Thread(target=keep_delivering, name="demo-outbox", daemon=True).start()
    return cmd_serve(args)


def cmd_token(args: argparse.Namespace) -> int:
    setup()
    migrate()
    from bukve.api.selectors import tokens_with_prefix
    from bukve.api.services import api_token_create, api_token_revoke
    from bukve.libraries.selectors import branch_coded, staff_named

    command = f"token {args.action}"
    if args.action == "create":
        staff = staff_named(args.user)
        if staff is None:
            return fail(command, f"no staff member with the user name {args.user!r}")
        branch = None
        if args.branch is not None:
            branch = branch_coded(staff.library_id, args.branch)
            if branch is None:
                return fail(command, f"no branch {args.branch!r} at {staff.library.code}")
        try:
            token, key = api_token_create(staff=staff, name=args.name, branch=branch)
        except ValueError as error:
            return fail(command, str(error))
        print(key)
        print(f"token {token.prefix} for {args.user} ({staff.library.code}): keep the key now, "
              "it is not shown again", file=sys.stderr)  # fmt: skip
        return 0
    tokens = tokens_with_prefix(args.prefix)
    if len(tokens) != 1:
        return fail(command, f"{'several tokens' if tokens else 'no token'} with the prefix "
                              f"{args.prefix!r}")  # fmt: skip
    api_token_revoke(token=tokens[0])
    print(f"revoked token {args.prefix} ({tokens[0].name})")
    return 0


def _libraries(command: str, code: str | None) -> list[Library] | None:
    """Every library by code, or only the library of `code`, or None after saying there is
    none."""
    from bukve.libraries.selectors import libraries_coded

    libraries = libraries_coded(code)
    if code is not None and not libraries:
        fail(command, f"unknown library {code!r}")
        return None
    return libraries


def cmd_ledger(args: argparse.Namespace) -> int:
    """`bukve ledger check`: prove the ledger adds up (exit 1 with the problems if not);
    `bukve ledger takings`: the money a library took on a day, per method."""
    setup()
    migrate()
    from bukve.accounts.ledger import ledger_check
    from bukve.accounts.services import takings

    command = f"ledger {args.action}"
    library = library_named(command, args.library) if args.library is not None else None
    if args.library is not None and library is None:
        return 2
    if args.action == "check":
        problems = ledger_check(library)
        for problem in problems:
            print(problem)
        print(f"ledger: {len(problems)} problems" if problems else "ledger: all entries add up",
              file=sys.stderr)  # fmt: skip
        return 1 if problems else 0
    assert library is not None  # takings needs --library, which the parser requires
    taken = takings(library, args.date)
    for method, amount in taken.items():
        print(f"{method}\t{amount}")
    print(f"total\t{sum(taken.values())}")
    return 0


def cmd_collection(args: argparse.Namespace) -> int:
    """`bukve collection export`: the members in collection, as CSV for the agency."""
    setup()
    migrate()
    from bukve.circulation.collection import collection_csv

    library = library_named("collection export", args.library)
    if library is None:
        return 2
    text = collection_csv(library)
    if args.output is not None:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.write(text)
        except OSError as error:  # no such folder, a folder, no permission, a full disk
            return fail("collection export", f"{args.output}: cannot write: "
                                              f"{error.strerror or error}")  # fmt: skip
    else:
        sys.stdout.write(text)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bukve manage", *args.rest])
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bukve", description="Bukve, the library system.")
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("simulate", help="play a scenario against a library's rules")
    s.add_argument("scenario", help="scenario file (YAML or JSON)")
    s.add_argument("--explain", action="store_true", help="itemise each fine day by day")
    s.set_defaults(func=cmd_simulate)

    s = sub.add_parser("daily", help="run the daily run (catching up missed days)")
    s.add_argument("--date", type=_date, default=None, help="run up to this day (default today)")
    s.add_argument("--library", type=_name, help="only this library (code)")
    s.set_defaults(func=cmd_daily)

    s = sub.add_parser("members", help="members: the purge of personal data")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("purge", help="delete members a year after their membership ended")
    a.add_argument("--date", type=_date, default=None, help="as on this day (default today)")
    a.add_argument("--library", type=_name, help="only this library (code)")
    s.set_defaults(func=cmd_members)

    s = sub.add_parser("outbox", help="send the queued messages (e-mail, SMS, letters)")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("send", help="one pass: send what is due, retry what failed")
    a.add_argument("--limit", type=_whole(1, MAX_LIMIT), default=100,
                   help=f"at most this many, 1 to {MAX_LIMIT} (default 100)")  # fmt: skip
    s.set_defaults(func=cmd_outbox)

    s = sub.add_parser("bank", help="import a bank statement: transfers become payments")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="book the transfers of a CSV statement (idempotent)")
    a.add_argument("file", help="CSV: date, amount, reference, payer, transaction id")
    a.add_argument("--library", type=_name, required=True, help="the library (code)")
    a.add_argument("--user", type=_name,
                   help="the staff member who imports (user name), for the record")  # fmt: skip
    s.set_defaults(func=cmd_bank)

    s = sub.add_parser("library", help="load or show a library's rules")
    s.add_argument("action", choices=["load", "show"])
    s.add_argument("preset", help="maribor, velenje, tolmin, ravne or a path to a TOML file")
    s.set_defaults(func=cmd_library)

    for name, func, text in (
        ("serve", cmd_serve, "serve the web app"),
        ("demo", cmd_demo, "load the demo libraries and serve"),
    ):
        s = sub.add_parser(name, help=text)
        s.add_argument("--port", type=_whole(1, 65535), default=8000)
        s.set_defaults(func=func)

    _money_and_keys(sub)
    catalog.add_parser(sub)

    s = sub.add_parser("manage", help="Django management commands")
    s.add_argument("rest", nargs=argparse.REMAINDER)
    s.set_defaults(func=cmd_manage)
    return p


def _money_and_keys(sub: Any) -> None:
    """The parsers of `token`, `ledger` and `collection`."""
    s = sub.add_parser("token", help="create or revoke a key for the JSON API")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("create", help="a new key acting as a staff member; printed once")
    a.add_argument("--user", type=_name, required=True, help="the staff member's user name")
    a.add_argument("--name", type=one_line, required=True,
                   help="what the key is for, e.g. self-check Tolmin")  # fmt: skip
    a.add_argument("--branch", type=_name, help="the branch it works at (default: the user's)")
    a = actions.add_parser("revoke", help="revoke a key for good")
    a.add_argument("prefix", type=_name, help="the key's first 8 characters")
    s.set_defaults(func=cmd_token)

    s = sub.add_parser("ledger", help="the money ledger: check it, a day's takings")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("check", help="prove every balance equals its entries (exit 1 if not)")
    a.add_argument("--library", type=_name, help="only this library (code)")
    a = actions.add_parser("takings", help="the money taken on a day, per method")
    a.add_argument("--library", type=_name, required=True, help="the library (code)")
    a.add_argument("--date", type=_date, required=True, help="the day (YYYY-MM-DD)")
    s.set_defaults(func=cmd_ledger)

    s = sub.add_parser("collection", help="members handed over to collection")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("export", help="the list for the collection agency, as CSV")
    a.add_argument("--library", type=_name, required=True, help="the library (code)")
    a.add_argument("--output", help="write to this file (default: standard output)")
    s.set_defaults(func=cmd_collection)


def main(argv: list[str] | None = None) -> int:
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as stop:  # a bad argument (exit 2, usage on stderr) or --help (exit 0)
        return stop.code if isinstance(stop.code, int) else 2
    if not getattr(args, "func", None):
        p.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as error:
        if type(error).__name__ == "ImproperlyConfigured":  # a setting to fix, not a bug
            return fail(args.command, str(error))
        # No traceback reaches a user; a developer gets one with BUKVE_DEBUG=true.
        if os.environ.get("BUKVE_DEBUG") == "true":
            raise
        return fail(args.command, f"internal error: {type(error).__name__}: {error}")
