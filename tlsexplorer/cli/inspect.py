"""``tlsexplorer inspect PATH...`` and ``tlsexplorer open PATH...``.

``inspect`` shows every object in files and folders (certificates, keys, CSRs,
CRLs, PKCS#7, PKCS#12), explained and linted, and for folders a sweep that
pairs keys with certificates and groups chains. ``open`` launches the TUI's
Inspector on the paths.

Exit status: 0 when every file was read and every check made on it held; 1
when any could not be read (a damaged block, a wrong passphrase, a missing
file) or an OCSP response failed its check against the certificates read with
it (:attr:`tlsexplorer.core.chain.ocsp_match.OcspCheck.fault`: its responder,
signature, certID or freshness); 2 for usage errors. An encrypted key or
PKCS#12 file without its password is listed and counts as read; a response
whose certificate or issuer is not at hand is not checked, and the status a
response gives (revoked, unknown) is its answer, not a failure; lint findings
are advice and do not change the exit status.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    add_json_flag,
    escape_undecodable,
    example_epilog,
    fail,
    json_safe,
    one_stdin,
    read_password,
    stdin_is_interactive,
)

if TYPE_CHECKING:
    import datetime as dt

    from tlsexplorer.core.chain.ocsp_match import OcspCheck
    from tlsexplorer.core.x509.loader import LoadedObject, LoadResult
    from tlsexplorer.core.x509.sweep import ObjectRef

#: Objects of a file shown in full by the human output; the rest get one line each.
DETAILED_LIMIT = 50

#: Above this many objects the JSON puts each object on one line (fast to write and to grep).
PRETTY_JSON_LIMIT = 200

PASSPHRASE_PROMPT = "Enter PEM pass phrase: "

#: The exit statuses, at the end of ``inspect --help``.
EXIT_STATUS = """

exit status:
  0  every file was read, and every OCSP response checked against the certificates
     read with it held
  1  a file could not be read (damaged, wrong passphrase, missing), an object has a
     field that cannot be read, or an OCSP response failed its check against the
     certificates read with it: its responder may not answer for the CA, its
     signature does not verify, its certID is not the certificate's (serial, issuer
     name and key hashes), or it is not fresh at --at (thisUpdate to nextUpdate)
  2  usage error
A response whose certificate or issuer is not among the files is not checked; the
status a response gives (good, revoked, unknown) is its answer, not a failure; lint
findings are advice. None of these change the exit status."""


def register(subparsers: Any) -> None:
    """Add ``inspect`` and ``open``."""
    parser = subparsers.add_parser(
        "inspect",
        help="show every object in PEM/DER/PKCS#7/PKCS#12 files and folders, explained and linted",
        description=(
            "Read certificates, keys, CSRs, CRLs, PKCS#7 and PKCS#12 from files or folders, by "
            "content (not extension). Each object is decoded and linted; folders get a sweep that "
            "pairs keys with certificates, groups chains and flags duplicates, orphans and expired "
            "items. An OCSP response is checked against the certificates read with it (the one it "
            "answers about and its issuer). Nothing prompts when stdin is not a terminal: encrypted "
            "material is listed as encrypted."
        ),
        epilog=example_epilog(
            "tlsexplorer inspect server.pem",
            "tlsexplorer inspect --recursive ~/certs --json",
            "tlsexplorer inspect bundle.p12 --password-file pass.txt",
            "tlsexplorer inspect response.der leaf.pem ca.pem",
            "openssl s_client -showcerts -connect example.net:443 </dev/null | tlsexplorer inspect -",
        ) + EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders ('-' reads stdin)")
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help="file whose first line opens encrypted keys and PKCS#12 files",
    )
    parser.add_argument(
        "-r", "--recursive", action="store_true", help="read folders recursively (default: top level only)"
    )
    parser.add_argument("--der", action="store_true", help="also print each object's DER structure")
    parser.add_argument("--at", metavar="DATE", help="judge validity at this ISO 8601 date instead of now")
    add_json_flag(parser)
    parser.set_defaults(handler=run_inspect)

    opener = subparsers.add_parser(
        "open",
        help="open the Inspector (TUI) on files or folders",
        description="Launch the terminal UI with the Inspector showing these files and folders.",
        epilog=example_epilog(
            "tlsexplorer open server.pem",
            "tlsexplorer open ~/certs",
            "openssl s_client -showcerts -connect example.net:443 </dev/null | tlsexplorer open -",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    opener.add_argument("paths", nargs="*", metavar="PATH", help="files or folders ('-': what is piped in)")
    opener.set_defaults(handler=run_open)


def run_open(args: argparse.Namespace) -> int:
    """Launch the TUI on the paths; ``-`` is what arrives on stdin (a pipe), shown as ``stdin``."""
    import os
    import shutil
    import tempfile

    from tlsexplorer.cli import launch_tui, require_terminal
    from tlsexplorer.cli.base import read_source
    from tlsexplorer.core.errors import UsageError
    from tlsexplorer.core.x509.recent import STDIN_FOLDER_PREFIX

    require_terminal(stdin="-" not in args.paths)
    if "-" not in args.paths:
        return launch_tui(args.paths)
    if stdin_is_interactive():
        raise UsageError("'-' reads a pipe: e.g. openssl s_client -showcerts ... | tlsexplorer open -")
    data = read_source("-")
    folder = tempfile.mkdtemp(prefix=STDIN_FOLDER_PREFIX)  # 0700: it may hold a private key
    try:
        stdin_file = os.path.join(folder, "stdin")
        fd = os.open(stdin_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _stdin_from_terminal()
        return launch_tui([stdin_file if p == "-" else p for p in args.paths])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stdin_from_terminal() -> None:
    """Point file descriptor 0 at the controlling terminal (the pipe is read): the TUI needs keys."""
    import os

    from tlsexplorer.core.errors import UsageError

    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        raise UsageError("no terminal to show the TUI on; use 'tlsexplorer inspect -' instead") from None
    os.dup2(tty, 0)
    os.close(tty)


def _load_all(args: argparse.Namespace, password: bytes | None) -> tuple[list[LoadResult], bool, list[str]]:
    """Read every path. Returns results, whether a folder was given, and notes."""
    from pathlib import Path

    from tlsexplorer.cli.base import read_source
    from tlsexplorer.core.errors import TlsxError
    from tlsexplorer.core.x509.loader import LoadResult, load_objects
    from tlsexplorer.core.x509.sweep import collect_files, read_path

    results: list[LoadResult] = []
    notes: list[str] = []
    folder = False
    for raw in args.paths:
        if raw == "-":
            try:
                data = read_source("-")
            except TlsxError as exc:
                results.append(LoadResult("-", 0, (), (str(exc),)))
                continue
            results.append(load_objects(data, "-", password))
            continue
        path = Path(raw)
        if path.is_dir():
            folder = True
            files, more = collect_files([path], recursive=args.recursive)
            notes.extend(more)
            for file in files:
                result = read_path(file, password)
                if result.recognised:
                    results.append(result)
                else:
                    notes.append(f"{file}: skipped, not crypto material")
        else:
            results.append(read_path(path, password))
    return results, folder, notes


def _locked(results: list[LoadResult]) -> bool:
    return any(obj.encrypted and obj.value is None for r in results for _d, obj in r.flat())


def run_inspect(args: argparse.Namespace) -> int:
    """Inspect the paths; exit 1 when any file could not be read or an OCSP response failed its check."""
    import gc
    import warnings

    from tlsexplorer.core.timeutil import parse_iso8601, utcnow

    one_stdin({"PATH": args.paths, "--password-file": args.password_file})
    now = parse_iso8601(args.at) if args.at else utcnow()
    password = (
        read_password(args.password_file, option="--password-file", prompt=PASSPHRASE_PROMPT, required=False)
        if args.password_file
        else None
    )
    # Ten thousand certificates allocate millions of small objects and no cycles:
    # the cycle collector would only slow the run down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The loader records the library's warnings as lint; none should reach stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results, folder, notes = _load_all(args, password)
            if password is None and _locked(results) and stdin_is_interactive() and "-" not in args.paths:
                password = read_password(
                    None, option="--password-file", prompt=PASSPHRASE_PROMPT, required=False
                )
                if password is not None:
                    results, folder, notes = _load_all(args, password)
            checks = ocsp_checks(results, now)
            if args.json:
                unreadable = write_json(results, now, folder or len(results) > 1, notes, sys.stdout,
                                        checks=checks)
            else:
                unreadable = print_human(
                    results, now, folder or len(results) > 1, notes, der=args.der,
                    password_given=password is not None, checks=checks,
                )
    finally:
        if collecting:
            gc.enable()
    failed = [(r.name, problem) for r in results for problem in r.problems]
    if failed:
        # The report above shows every problem in place; stderr gets the convention's one line.
        name, problem = failed[0]
        more = len(failed) - 1
        rest = f" (and {more} more problem{'s' if more != 1 else ''}, listed in the report)" if more else ""
        fail(f"{escape_undecodable(name)}: {problem}{rest}")
    elif unreadable:
        fail(f"{unreadable} object{'s' if unreadable != 1 else ''} with a field that could not be read "
             "(listed in the report)")
    faults = ocsp_faults(results, checks)
    if faults and not failed and not unreadable:
        name, fault = faults[0]
        more = len(faults) - 1
        rest = f" (and {more} more response{'s' if more != 1 else ''} that do not hold)" if more else ""
        fail(f"{escape_undecodable(name)}: the OCSP response does not hold: {fault}{rest}")
    # An object with a field that cannot be read is not "all read"; a response that fails its check is a "no".
    return 0 if all(r.ok for r in results) and not unreadable and not faults else 1


def ocsp_faults(results: list[LoadResult], checks: dict[int, OcspCheck]) -> list[tuple[str, str]]:
    """``(file, what failed)`` for each OCSP response that failed its check (:attr:`OcspCheck.fault`)."""
    faults = []
    for r in results:
        for _depth, obj in r.flat():
            check = checks.get(id(obj))
            fault = check.fault if check is not None else None
            if fault is not None:
                faults.append((r.name, fault.message.rstrip(".")))
    return faults


# JSON -------------------------------------------------------------------------


def ocsp_checks(results: list[LoadResult], now: dt.datetime) -> dict[int, OcspCheck]:
    """Each OCSP response read, checked against the certificates read with it (by ``id`` of the object)."""
    from tlsexplorer.core.x509.loader import iter_objects

    responses = [o for r in results for o in iter_objects(r, "ocsp_response")]
    if not responses:
        return {}
    from tlsexplorer.core.chain.ocsp_match import check_among

    certificates = [o.value for r in results for o in iter_objects(r, "certificate")]
    return {id(o): check_among(o.der, certificates, now) for o in responses}


def object_json(
    obj: LoadedObject, now: dt.datetime, matches: dict[int, list[ObjectRef]],
    checks: dict[int, OcspCheck] | None = None,
) -> dict[str, Any]:
    """The JSON object of one loaded object (containers hold theirs under ``objects``; an OCSP
    response its check against the certificates read with it under ``check``)."""
    from tlsexplorer.core.x509.summary import summarize

    out: dict[str, Any] = {"kind": obj.kind, "where": obj.where, "format": obj.format}
    out["encrypted"] = obj.encrypted
    if obj.value is not None or obj.kind in ("private_key", "pkcs12"):
        out.update(summarize(obj, now).to_json())
    if checks and id(obj) in checks:
        out["check"] = checks[id(obj)].to_json()
    if obj.name:
        out["name"] = obj.name
    if id(obj) in matches:
        out["matches"] = [ref.to_json() for ref in matches[id(obj)]]
    if obj.children:
        out["objects"] = [object_json(child, now, matches, checks) for child in obj.children]
    return out


def write_json(
    results: list[LoadResult], now: dt.datetime, with_sweep: bool, notes: list[str], out: IO[str],
    *, checks: dict[int, OcspCheck] | None = None,
) -> int:
    """Write ``{"files": [{"path", "objects", "errors", "notes"}], ...}``; returns how many
    objects have a field that could not be read (their ``unreadable`` list). ``checks``: the OCSP
    responses' checks (:func:`ocsp_checks`, made here when not given).

    Small documents are indented; above :data:`PRETTY_JSON_LIMIT` objects each
    object is written on one line as it is made, which keeps memory flat.
    """
    import json

    from tlsexplorer.core.x509.sweep import match_keys, sweep

    matches = match_keys(results)
    checks = ocsp_checks(results, now) if checks is None else checks
    total = sum(len(r.objects) for r in results)
    sweep_json = sweep(results, now).to_json() if with_sweep else None
    if total <= PRETTY_JSON_LIMIT:
        document: dict[str, Any] = {
            "files": [
                {
                    "path": r.name,
                    "objects": [object_json(o, now, matches, checks) for o in r.objects],
                    "errors": list(r.problems),
                    "notes": list(r.notes),
                }
                for r in results
            ]
        }
        if sweep_json is not None:
            document["sweep"] = sweep_json
        if notes:
            document["notes"] = notes
        out.write(json_safe(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")
        return sum(_unreadable_count(o) for f in document["files"] for o in f["objects"])
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    items = [obj for r in results for obj in r.objects]
    out.flush()
    lines = iter(object_lines(items, now, matches, checks))

    def write(text: str) -> None:
        out.write(json_safe(text))

    unreadable = 0
    write('{"files": [\n')
    for fi, r in enumerate(results):
        write(
            f'  {{"path": {dumps(r.name)}, "errors": {dumps(list(r.problems))}, '
            f'"notes": {dumps(list(r.notes))}, "objects": [\n'
        )
        last = len(r.objects) - 1
        for i in range(len(r.objects)):
            write("    ")
            line = next(lines)
            unreadable += _UNREADABLE_KEY in line  # the key is ours; a quote inside a value is escaped
            write(line)
            write(",\n" if i < last else "\n")
        write("  ]}" + (",\n" if fi < len(results) - 1 else "\n"))
    write("]")
    if sweep_json is not None:
        write(f',\n"sweep": {dumps(sweep_json)}')
    if notes:
        write(f',\n"notes": {dumps(notes)}')
    write("}\n")
    return unreadable


_UNREADABLE_KEY = '"unreadable": ['


def _unreadable_count(item: dict[str, Any]) -> int:
    """1 when the object (or one inside it) has a field that could not be read."""
    return int(bool(item.get("unreadable")) or any(_unreadable_count(c) for c in item.get("objects", ())))


#: Above this many objects the JSON is built by two processes (when there are two cores).
PARALLEL_LIMIT = 2000


def _lines(items: list[LoadedObject], now: dt.datetime, matches: dict[int, list[ObjectRef]],
           checks: dict[int, OcspCheck] | None = None) -> list[str]:
    import json

    dumps = json.JSONEncoder(ensure_ascii=False).encode
    return [dumps(object_json(obj, now, matches, checks)) for obj in items]


def object_lines(
    items: list[LoadedObject], now: dt.datetime, matches: dict[int, list[ObjectRef]],
    checks: dict[int, OcspCheck] | None = None,
) -> list[str]:
    """One compact JSON text per object, in order.

    Large inputs are split in two: a forked child builds the second half while
    this process builds the first (compact JSON never holds a raw newline, so
    the halves are joined on newlines). Any failure of the child falls back to
    building its half here.
    """
    import os

    if len(items) < PARALLEL_LIMIT or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return _lines(items, now, matches, checks)
    mid = len(items) // 2
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: build the second half, send it, leave without cleanup
        code = 1
        try:
            os.close(read_fd)
            payload = "\n".join(_lines(items[mid:], now, matches, checks)).encode("utf-8")
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    first = _lines(items[:mid], now, matches, checks)
    with os.fdopen(read_fd, "rb") as pipe:
        payload = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    second = payload.decode("utf-8").split("\n") if payload else []
    if status != 0 or len(second) != len(items) - mid:
        second = _lines(items[mid:], now, matches, checks)
    return first + second


# Human ------------------------------------------------------------------------


def print_human(
    results: list[LoadResult],
    now: dt.datetime,
    with_sweep: bool,
    notes: list[str],
    *,
    der: bool = False,
    password_given: bool = False,
    checks: dict[int, OcspCheck] | None = None,
) -> int:
    """Print every file's objects, problems, and the sweep; returns how many problems were seen
    (unreadable fields of objects that were read included). ``password_given``: a passphrase
    was given, so a locked object is not told to give one. ``checks``: the OCSP responses' checks
    (:func:`ocsp_checks`, made here when not given)."""
    from rich.rule import Rule
    from rich.text import Text

    from tlsexplorer.core.errors import TlsxError
    from tlsexplorer.core.x509.dertree import parse_der
    from tlsexplorer.core.x509.summary import object_title, summarize
    from tlsexplorer.core.x509.sweep import match_keys, sweep
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.x509 import (
        der_tree,
        object_heading,
        render_info,
        render_ocsp_check,
        render_problems,
        render_sweep,
    )

    console = make_console()
    matches = match_keys(results)
    checks = ocsp_checks(results, now) if checks is None else checks
    objects = problems = 0
    for r in results:
        flat = r.flat()
        objects += len(flat)
        problems += len(r.problems)
        console.print(
            Rule(Text(f"{r.name} · {len(flat)} object{'s' if len(flat) != 1 else ''}", style="bold"))
        )
        for number, (depth, obj) in enumerate(flat):
            heading = Text("  " * depth).append_text(object_heading(obj, object_title(obj)))
            if number >= DETAILED_LIMIT:
                # A big bundle: one line each after the first ones (--json or the TUI has every field).
                if number == DETAILED_LIMIT:
                    console.print(
                        Text(
                            f"{len(flat) - number} more, one line each (--json or 'tlsexplorer open' "
                            "shows every field):",
                            style="dim",
                        )
                    )
                if obj.kind == "certificate" and obj.value is not None:
                    end = obj.value.not_valid_after_utc
                    heading.append(f"  until {end:%Y-%m-%d}", style="red" if now > end else "dim")
                console.print(heading)
                continue
            console.print(heading)
            refs = [ref.describe() for ref in matches.get(id(obj), [])]
            hint = None
            if obj.encrypted and obj.value is None and not password_given:
                hint = "give the passphrase with --password-file FILE (or run in a terminal to be asked)"
            if obj.value is not None or obj.kind in ("private_key", "pkcs12"):
                info = summarize(obj, now)
                problems += len(getattr(info, "unreadable", ()))
                console.print(render_info(info, matches=refs, password_hint=hint))
                if id(obj) in checks:
                    console.print()
                    console.print(render_ocsp_check(checks[id(obj)]))
            if der and obj.der:
                try:
                    console.print(der_tree(parse_der(obj.der)))
                except TlsxError as exc:
                    console.print(Text(f"DER: {exc}", style="red"))
            console.print()
        if r.problems or r.notes:
            console.print(render_problems(r))
            console.print()
    for note in notes:
        console.print(Text(f"note: {note}", style="dim"))
    if with_sweep:
        console.print(Rule(Text("Sweep", style="bold")))
        console.print(render_sweep(sweep(results, now)))
    verdict = "every file read" if problems == 0 else f"{problems} problem{'s' if problems != 1 else ''}"
    plural = "s" if objects != 1 else ""
    console.print(
        Text(
            f"{len(results)} file{'s' if len(results) != 1 else ''}, {objects} object{plural}, {verdict}",
            style="bold" if problems == 0 else "bold red",
        )
    )
    return problems


__all__ = [
    "EXIT_STATUS",
    "PARALLEL_LIMIT",
    "PRETTY_JSON_LIMIT",
    "object_json",
    "object_lines",
    "ocsp_checks",
    "ocsp_faults",
    "print_human",
    "register",
    "run_inspect",
    "run_open",
    "write_json",
]
