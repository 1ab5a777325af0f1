"""`bukve catalog`: MARC records in and out (bukve/catalog/imports.py)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bukve.cli.common import fail, library_named, migrate, one_line, setup


def add_parser(sub: Any) -> None:
    s = sub.add_parser("catalog", help="the catalogue: MARC import and export")
    actions = s.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="import MARC records and their copies (idempotent)")
    a.add_argument("file")
    a.add_argument("--library", required=True, type=one_line)
    a.add_argument("--format", choices=["marc21", "unimarc", "marcxml"],
                   help="the file's format (default: guessed from the file)")  # fmt: skip
    a.add_argument("--branch", type=one_line, help="the branch of copies that name none")
    a = actions.add_parser("export", help="write every record with its copies")
    a.add_argument("--library", required=True, type=one_line)
    a.add_argument("--format", choices=["marc21", "marcxml"], default="marc21")
    a.add_argument("--output", help="the file to write (default: standard output)")
    s.set_defaults(func=cmd_catalog)


def cmd_catalog(args: argparse.Namespace) -> int:
    """`bukve catalog import FILE`: bring MARC records and their copies in (exit 1, with each
    rejected record's position, control number and reason on stderr, when any was rejected;
    the good ones are imported). `bukve catalog export`: every record with its copies."""
    setup()
    migrate()
    if args.action == "import":
        return _catalog_import(args)
    return _catalog_export(args)


def _catalog_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bukve.catalog.imports import catalog_import
    from bukve.catalog.marc import guess_format
    from bukve.libraries.selectors import branch_coded

    command = "catalog import"
    library = library_named(command, args.library)
    if library is None:
        return 2
    branch = None
    if args.branch is not None:
        branch = branch_coded(library.pk, args.branch)
        if branch is None:
            return fail(command, f"no branch {args.branch!r} at {library.code}")
    try:
        stream = open(args.file, "rb")  # noqa: SIM115 - closed below, read by the import
        size = os.fstat(stream.fileno()).st_size
    except OSError as error:
        return fail(command, f"{args.file}: cannot read: {error.strerror or error}")
    with stream, tqdm(total=size, unit="B", unit_scale=True, file=sys.stderr,
                      disable=None, desc=args.file, leave=False) as bar:  # fmt: skip
        fmt = args.format or guess_format(stream.read(100_000))
        stream.seek(0)

        def progress(_records: int) -> None:
            bar.update(stream.tell() - bar.n)

        report = catalog_import(
            library=library, stream=stream, fmt=fmt, branch=branch, progress=progress
        )
    for read in report.rejected:
        number = f" ({read.control_number})" if read.control_number else ""
        print(f"{args.file}: record {read.position}{number}: {read.reason}", file=sys.stderr)
    print(f"{library.code}: {_records(report.read)} read ({fmt}): {report.created} new, "
          f"{report.updated} updated, {len(report.rejected)} rejected; copies: "
          f"{report.copies_created} new, {report.copies_updated} updated")  # fmt: skip
    return 1 if report.rejected else 0


def _catalog_export(args: argparse.Namespace) -> int:
    from bukve.catalog.imports import catalog_export

    command = "catalog export"
    library = library_named(command, args.library)
    if library is None:
        return 2
    try:
        out = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    except OSError as error:
        return fail(command, f"{args.output}: cannot write: {error.strerror or error}")
    try:
        count = catalog_export(library=library, fmt=args.format, stream=out)
    finally:
        if args.output:
            out.close()
    print(f"{library.code}: {_records(count)} written ({args.format})", file=sys.stderr)
    return 0


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"
