"""``tlsexplorer tls``: HTTPS on loopback with your own certificates.

``serve`` runs the lab's web server on 127.0.0.1 (HTTPS, or plain HTTP with
``--plain``) and logs every connection; ``probe`` connects like
``openssl s_client`` (presenting a client certificate with ``--cert``/``--key``
for mutual TLS) and explains the verdict; ``scenarios`` plays the
course's story (no CA, the CA, --insecure, an IP not in the SAN, expired,
CN-only vs a strict client, a wrong passphrase); ``wire`` records one request
and shows the bytes a sniffer would see.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlsexplorer.cli.base import (
    CliError,
    add_actions,
    add_command,
    add_json_flag,
    emit_json,
    example_epilog,
    one_stdin,
    read_password,
    read_source,
    utf8_text,
    warn,
)

if TYPE_CHECKING:
    from tlsexplorer.core.tls.server_files import ServerFiles


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cert", metavar="FILE", help="server certificate chain (PEM, leaf first)")
    parser.add_argument("--key", metavar="FILE", help="the certificate's private key (PEM)")
    parser.add_argument("--key-password-file", metavar="FILE",
                        help="passphrase of an encrypted key (default: ask, without echo)")
    parser.add_argument("--ca", dest="ca_dir", metavar="DIR",
                        help="a CA folder made by 'tlsexplorer ca' (with --name)")
    parser.add_argument("--name", metavar="NAME", help="the issued certificate to serve from --ca DIR")
    parser.add_argument("--plain", action="store_true", help="serve plain HTTP (no TLS: for the wire view)")


def register(subparsers: Any) -> None:
    """Add ``tls serve|probe|scenarios|wire|decrypt``."""
    from tlsexplorer.core.tls.connect import PROBE_TIMEOUT

    parser = subparsers.add_parser(
        "tls",
        help="TLS lab: HTTPS on 127.0.0.1 with your certificates, a probe, scenarios, the bytes on the wire",
        description=(
            "The TLS lab: serve HTTPS on 127.0.0.1 with your own certificates, probe servers like "
            "openssl s_client, play the course's trust scenarios, see what crosses the wire and decrypt "
            "it (your own recordings and captures), and do the TLS 1.3 handshake by hand."
        ),
        epilog=example_epilog(
            "tlsexplorer tls serve --ca myca --name localhost",
            "tlsexplorer tls probe localhost:8443 --ca myca/ca.pem",
            "tlsexplorer tls probe localhost:8443 --ca myca/ca.pem --cert myca/issued/laptop.fullchain.pem "
            "--key myca/issued/laptop.key.pem",
            "tlsexplorer tls scenarios",
            "tlsexplorer tls wire --plain",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = add_actions(parser)

    serve = add_command(
        actions, "serve", "Serve a page with a secret over HTTPS on 127.0.0.1",
        "Serve a small page with a secret message on 127.0.0.1 (never any other address), over "
        "HTTPS with the given certificate, or the built-in alice.example.net sample when none is "
        "given. Each connection is logged: SNI, TLS version, cipher suite, ALPN, and the client "
        "certificate with --client-ca. Each read has 5 s and the handshake and request 10 s in all; "
        "at most 1,024 connections are served at once (fewer under a low open-files limit), the next "
        "ones waiting in the listen backlog. Ctrl+C (or SIGINT, SIGTERM) stops it.",
        "tlsexplorer tls serve",
        "tlsexplorer tls serve --cert site.fullchain.pem --key site.key.pem --port 8443",
        "tlsexplorer tls serve --ca myca --name localhost --client-ca myca/ca.pem",
        "tlsexplorer tls serve --plain --port 8080",
        "tlsexplorer tls serve --ca myca --name localhost --staple http://127.0.0.1:8888/",
        "tlsexplorer tls serve --plain --fernet-key-file lab.key",
        "tlsexplorer tls serve --adhoc",
    )
    _server_options(serve)
    serve.add_argument("--port", type=int, default=None, metavar="N",
                       help="port on 127.0.0.1 (default 8443, 8080 with --plain; 0 picks a free one)")
    serve.add_argument("--client-ca", metavar="FILE",
                       help="mutual TLS: require a client certificate issued by this CA (PEM or DER)")
    serve.add_argument("--secret", metavar="TEXT", type=utf8_text, help="the secret message on the page")
    serve.add_argument("--staple", metavar="URL|FILE",
                       help="staple this OCSP response to every handshake that asks (openssl s_client "
                       "-status): the CA responder's answer for the served certificate (http://..., asked at "
                       "start; the chain must hold the issuer) or a response file (DER, PEM or base64)")
    serve.add_argument("--fernet-key-file", metavar="FILE",
                       help="the Fernet page: send the secret as a token made with this key (at / and "
                       "alone at "
                       "/fernet), so a sniffer sees only the token and the client needs the key; a FILE that "
                       "does not exist gets a new key (0600), shown once")
    serve.add_argument("--adhoc", action="store_true",
                       help="a throwaway self-signed certificate made at start, as Flask's "
                       "ssl_context='adhoc' "
                       "does: encrypted, but trusted by no client (they need --insecure)")
    serve.set_defaults(handler=_serve)

    probe = add_command(
        actions, "probe", "Connect to a TLS server and explain what it sent",
        "Connect like 'openssl s_client -showcerts': TLS version, cipher suite, ALPN, the "
        "certificates exactly as the server sent them, and the verdict explained. With no --ca "
        "the system's roots are trusted, as curl does. For mutual TLS (a server started with "
        "--client-ca) present a client certificate with --cert and --key, like curl --cert --key "
        "and openssl s_client -cert -key. Exit 0 when connected and verified (or with "
        "--insecure), 1 otherwise.",
        "tlsexplorer tls probe localhost:8443 --ca tlsexplorer/samples/charlies-root-ca.pem",
        "tlsexplorer tls probe 127.0.0.1:8443 --servername localhost --ca ca.pem --json",
        "tlsexplorer tls probe localhost:8443 --insecure --pem",
        "tlsexplorer tls probe localhost:8443 --ca myca/ca.pem --status",
        "tlsexplorer ca issue myca laptop --client",
        "tlsexplorer tls probe localhost:8443 --ca myca/ca.pem \\\n"
        "      --cert myca/issued/laptop.fullchain.pem --key myca/issued/laptop.key.pem",
    )
    probe.add_argument("target", metavar="HOST:PORT", nargs="?", help="where to connect (or --targets FILE)")
    probe.add_argument("--ca", action="append", default=[], metavar="FILE",
                       help="trust this CA certificate, PEM or DER (repeatable)")
    probe.add_argument("--system-roots", action="store_true",
                       help="also trust the system's roots (the default when no --ca is given)")
    probe.add_argument("--insecure", action="store_true",
                       help="skip verification, like curl --insecure (a warning says what was skipped)")
    probe.add_argument("--servername", metavar="NAME", type=utf8_text,
                       help="SNI and name to check (default: HOST)")
    probe.add_argument("--strict", action="store_true",
                       help="VERIFY_X509_STRICT, as Python 3.13+ does by default")
    probe.add_argument("--timeout", type=float, default=PROBE_TIMEOUT, metavar="S",
                       help="seconds for the whole probe, every connection and handshake in it "
                       f"(default {PROBE_TIMEOUT:g})")
    probe.add_argument("--pem", action="store_true", help="also print the sent certificates as PEM")
    probe.add_argument("--cert", metavar="FILE",
                       help="mutual TLS: present this client certificate (PEM, leaf first; may hold the key)")
    probe.add_argument("--key", metavar="FILE",
                       help="the client certificate's private key (PEM; default: the --cert file, like curl)")
    probe.add_argument("--key-password-file", metavar="FILE",
                       help="passphrase of an encrypted client key (default: ask, without echo)")
    probe.add_argument("--status", action="store_true",
                       help="ask for OCSP stapling, like openssl s_client -status, and show what was stapled")
    from tlsexplorer.cli.tls_diagnose import add_probe_options, register_doctor
    from tlsexplorer.cli.tls_scan import add_route_options, register_scan

    add_probe_options(probe)
    add_route_options(probe)
    add_json_flag(probe)
    probe.set_defaults(handler=_probe)

    scenarios = add_command(
        actions, "scenarios", "Play the course's trust scenarios against local servers",
        "Start servers on free ports of 127.0.0.1 with the built-in samples and try each "
        "scenario: no CA, the CA, --insecure, 127.0.0.1 when the SAN has only localhost, an "
        "expired certificate, a CN-and-SAN-only certificate vs a strict client, a wrong "
        "passphrase. Each shows the result, the reason and the curl, openssl and Python commands "
        "that reproduce it. Exit 0 when every outcome is the one the story predicts.",
        "tlsexplorer tls scenarios",
        "tlsexplorer tls scenarios --only no_ca with_ca --json",
    )
    scenarios.add_argument("--only", nargs="+", metavar="ID", help="run only these scenario ids")
    add_json_flag(scenarios)
    scenarios.set_defaults(handler=_scenarios)

    wire = add_command(
        actions, "wire", "Record one request: the bytes a sniffer sees, then decrypted",
        "Start the lab server (HTTPS, or plain HTTP with --plain) on 127.0.0.1, send one request "
        "through a recorder, and show the exchange: over plain HTTP the request and the response "
        "with the secret in the clear; over HTTPS the TLS records, the handshake messages still in "
        "the clear, and the rest as opaque bytes. The recording client trusts what the server "
        "serves (Charlie's root for the built-in sample, the folder's chain.pem with --ca DIR, the "
        "served certificate itself with --cert FILE) and asks for a name in its SAN. The client "
        "logs its secrets (NSS key log) to a private temporary file, so every record is then "
        "decrypted and named with the key that opened it; --keylog FILE keeps that key log (0600).",
        "tlsexplorer tls wire --plain",
        "tlsexplorer tls wire --tls-max 1.2",
        "tlsexplorer tls wire --ca myca --name localhost",
        "tlsexplorer tls wire --keylog lab.keylog",
    )
    _server_options(wire)
    wire.add_argument("--fernet-key-file", metavar="FILE",
                      help="record the Fernet page (as tls serve --fernet-key-file): the token where the "
                      "secret was")
    wire.add_argument("--tls-max", choices=("1.2", "1.3"), default=None,
                      help="highest TLS version the client offers (default 1.3; 1.2 shows the certificates "
                      "in the clear)")
    wire.add_argument("--keylog", metavar="FILE",
                      help="keep the client's key log (NSS format, mode 0600) for Wireshark or tshark")
    wire.add_argument("--pcap", metavar="FILE",
                      help="write the exchange as pcapng (loopback TCP/IPv4) with the key log embedded "
                      "(a Decryption Secrets Block: Wireshark and tshark open it decrypted); mode 0600")
    wire.add_argument("--force", action="store_true",
                      help="replace --keylog FILE or --pcap FILE if it exists")
    add_json_flag(wire)
    wire.set_defaults(handler=_wire)

    decrypt = add_command(
        actions, "decrypt", "Decrypt the TLS connections of a capture file with their key log",
        "Read a pcap or pcapng capture (tcpdump -w, dumpcap, Wireshark; Ethernet, Linux cooked, "
        "loopback or raw IP; IPv4 and IPv6), put each TCP connection back together, and decrypt every "
        "TLS connection whose client random is in the key log (--keylog FILE, or the capture's own "
        "Decryption Secrets Block). A connection without its keys is shown as a sniffer sees it. "
        "Exit 0 when every TLS connection was decrypted, 1 when some could not be.",
        "tlsexplorer tls decrypt capture.pcapng",
        "tlsexplorer tls decrypt capture.pcap --keylog $SSLKEYLOGFILE --json",
    )
    decrypt.add_argument("capture", metavar="CAPTURE", help="pcap or pcapng file ('-' for stdin)")
    decrypt.add_argument("--keylog", metavar="FILE", help="NSS key log (SSLKEYLOGFILE format)")
    add_json_flag(decrypt)
    decrypt.set_defaults(handler=_decrypt)

    from tlsexplorer.cli.tls_handshake import register_handshake

    register_handshake(actions)
    register_doctor(actions)
    register_scan(actions)


# ---------------------------------------------------------------------------
# Handlers


def _refuse_with_plain(args: argparse.Namespace, *others: tuple[str, object]) -> None:
    """``--plain`` serves HTTP without TLS: refuse the options that only mean something with TLS."""
    if not args.plain:
        return
    options = (
        ("--cert", args.cert), ("--key", args.key), ("--key-password-file", args.key_password_file),
        ("--ca", args.ca_dir), ("--name", args.name), *others,
    )
    given = [option for option, value in options if value is not None]
    if given:
        raise CliError(f"--plain serves plain HTTP, without TLS: {', '.join(given)} "
                       f"{'has' if len(given) == 1 else 'have'} no use there; drop --plain or {given[0]}")


def _server_files(args: argparse.Namespace) -> ServerFiles:
    from tlsexplorer.core.tls.server_files import ServerFiles, ca_issued_files
    from tlsexplorer.samples import SAMPLES_DIR

    if args.ca_dir or args.name:
        if not (args.ca_dir and args.name):
            raise CliError("--ca DIR and --name NAME go together")
        if args.cert or args.key:
            raise CliError("give either --ca DIR --name NAME or --cert FILE --key FILE, not both")
        return ca_issued_files(Path(args.ca_dir), args.name)
    if args.cert or args.key:
        if not (args.cert and args.key):
            raise CliError("--cert FILE and --key FILE go together")
        return ServerFiles(Path(args.cert), Path(args.key))
    return ServerFiles(
        SAMPLES_DIR / "alice.example.net.fullchain.pem", SAMPLES_DIR / "alice.example.net.key.pem"
    )


def _context(args: argparse.Namespace, client_ca: str | None = None) -> Any:
    context, files, _password = _context_and_password(args, client_ca)
    return context, files


def _context_and_password(args: argparse.Namespace, client_ca: str | None = None) -> Any:
    from tlsexplorer.core.files import read_file
    from tlsexplorer.core.tls.server_files import key_is_encrypted, load_server_context

    files = _server_files(args)
    password = None
    if key_is_encrypted(read_file(files.key)):
        password = read_password(args.key_password_file, option="--key-password-file",
                                 prompt=f"Passphrase for {files.key}: ")
    client = Path(client_ca) if client_ca else None
    return load_server_context(files, password, client_ca=client), files, password


def _stapling(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """``tls serve --staple``: the files checked, the response to staple, the pyOpenSSL layer."""
    from tlsexplorer.core.timeutil import utcnow
    from tlsexplorer.core.tls.stapling import load_staple, stapling_context, stapling_layer

    if args.plain or args.client_ca:
        other = "--plain" if args.plain else "--client-ca (mutual TLS is not served with stapling)"
        raise CliError(f"--staple staples an OCSP response to TLS handshakes: it does not go with {other}")
    _context, files, password = _context_and_password(args)
    staple = load_staple(args.staple, files.cert, utcnow())
    layer = stapling_layer(stapling_context(files.cert, files.key, password, staple))
    return layer, files, staple


def _fernet_key(name: str) -> Any:
    """``--fernet-key-file``: the key in FILE, or a new one written there (0600) and shown once."""
    from tlsexplorer.core.errors import UsageError
    from tlsexplorer.core.files import FileToWrite, read_file, write_files
    from tlsexplorer.core.symmetric.fernet import generate_key, parse_key

    path = Path(name)
    if path.exists():
        try:
            return parse_key(read_file(path, 4096))
        except UsageError as exc:
            raise CliError(f"{path}: {exc}") from None
    key = generate_key()
    write_files([FileToWrite(path, key.encoded.encode("ascii") + b"\n", private=True, kind="Fernet key")])
    warn(f"a new Fernet key written to {path} (0600), shown this once: {key.encoded}")
    return key


def _serve(args: argparse.Namespace) -> int:
    from tlsexplorer.core.tls.server import DEFAULT_PORT, DEFAULT_SECRET, LabServer
    from tlsexplorer.render.console import make_console
    from tlsexplorer.render.tls import event_text

    context: Any = None
    files: Any = None
    layer: Any = None
    staple: Any = None
    fernet_key = _fernet_key(args.fernet_key_file) if args.fernet_key_file else None
    adhoc_dir: Any = None
    if args.adhoc:
        given = [o for o, v in (("--cert", args.cert), ("--key", args.key), ("--ca", args.ca_dir),
                                ("--name", args.name), ("--plain", args.plain or None),
                                ("--staple", args.staple), ("--client-ca", args.client_ca)) if v]
        if given:
            raise CliError(f"--adhoc makes its own certificate: {', '.join(given)} cannot go with it")
        import tempfile

        from tlsexplorer.core.timeutil import utcnow
        from tlsexplorer.core.tls.quick_certs import write_quick
        from tlsexplorer.core.tls.server_files import load_server_context

        adhoc_dir = tempfile.TemporaryDirectory(prefix="tlsexplorer-adhoc-")
        files = write_quick(Path(adhoc_dir.name), "adhoc", utcnow())
        context = load_server_context(files)
    elif args.staple is not None:
        layer, files, staple = _stapling(args)
    elif args.plain:
        if args.client_ca:
            raise CliError("--client-ca needs TLS; drop --plain")
        _refuse_with_plain(args)
        warn("--plain: plain HTTP, no TLS: the page crosses the wire in the clear, "
             + ("the secret only as a Fernet token" if fernet_key is not None else "and its secret with it"))
    else:
        context, files = _context(args, args.client_ca)
    port = args.port if args.port is not None else (8080 if args.plain else DEFAULT_PORT)
    if not 0 <= port < 65536:
        raise CliError(f"--port {port} is not a port number (0-65535)")
    console = make_console()
    lock = threading.Lock()

    interactive = sys.stdout.isatty()

    def log(event: Any) -> None:
        with lock:
            if interactive:
                console.print(event_text(event), soft_wrap=True)
            else:
                # Piped or redirected: one plain line per connection, cheap enough for a busy server.
                sys.stdout.write(event.summary() + "\n")
                sys.stdout.flush()

    def notice(text: str) -> None:
        with lock:
            if interactive:
                console.print(f"note: {text}", style="yellow", soft_wrap=True, markup=False, highlight=False)
            else:
                sys.stdout.write(f"note: {text}\n")
                sys.stdout.flush()

    # Ctrl+C (SIGINT) and SIGTERM only ask to stop: raised as KeyboardInterrupt, they could land
    # in the middle of a print (the banner half written, rich's buffer written twice).
    stopping: list[int] = []

    def terminate(signum: int, _frame: Any) -> None:
        stopping.append(signum)

    server = LabServer(context, port=port, secret=args.secret or DEFAULT_SECRET, on_event=log,
                       on_notice=notice, tls_layer=layer, fernet_key=fernet_key)
    previous = signal.signal(signal.SIGTERM, terminate)
    # A shell starts a background job (`tlsexplorer tls serve &`) with SIGINT ignored, and Python
    # then leaves it ignored: put our handler in, so kill -INT (and Ctrl+C after fg) stops it.
    previous_int = signal.signal(signal.SIGINT, terminate)
    try:
        server.start()
        with lock:  # the banner first, whole: a connection's line waits for it
            console.print(f"Serving {server.url} on 127.0.0.1:{server.port} (Ctrl+C stops)", style="bold",
                          soft_wrap=True)
            if args.adhoc:
                console.print("  ad hoc:      a self-signed certificate made just now, trusted by no client; "
                              f"curl refuses it, curl --insecure {server.url} gets the page, a browser warns",
                              markup=False, highlight=False, soft_wrap=True)
            if fernet_key is not None:
                console.print("  Fernet page: the secret goes out as a token (also alone at "
                              f"{server.url}fernet); the client needs the key in {args.fernet_key_file}",
                              markup=False, highlight=False, soft_wrap=True)
            if files is not None and not args.adhoc:
                from tlsexplorer.samples import SAMPLES_DIR

                # Paths are the person's: print them as they are (a "[" is not markup).
                console.print(f"  certificate: {files.cert}\n  key:         {files.key}", markup=False,
                              highlight=False)
                if files.cert.parent == SAMPLES_DIR:
                    root = SAMPLES_DIR / "charlies-root-ca.pem"
                    console.print(f"  try:         curl --cacert {root} {server.url}", soft_wrap=True,
                                  markup=False, highlight=False)
            if args.client_ca:
                console.print(f"  mutual TLS:  clients need a certificate from {args.client_ca}",
                              markup=False, highlight=False)
            if staple is not None:
                console.print(f"  stapling:    {staple.info.sentence()} (from {staple.source}, "
                              "read at start)", markup=False, highlight=False, soft_wrap=True)
            sys.stdout.flush()
        while not stopping:
            time.sleep(0.1)  # a signal's handler runs between two sleeps
    finally:
        server.stop()
        if adhoc_dir is not None:
            adhoc_dir.cleanup()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
    with lock:
        console.print(f"stopped after {server.connections} connection(s)")
    return 0


def _probe(args: argparse.Namespace) -> int:
    from tlsexplorer.cli.tls_diagnose import check_options, judge, probe_exit, run_targets, show_served
    from tlsexplorer.cli.tls_scan import route_from_args, route_port
    from tlsexplorer.core.tls.probe import parse_target, probe

    if not 0 < args.timeout <= 120:  # also refuses nan
        raise CliError(f"--timeout {args.timeout} is not a number of seconds above 0 and at most 120")
    check_options(args)
    if args.targets is not None:
        one_stdin({"--ca": args.ca, "--targets": [args.targets]})
        return run_targets(args, [read_source(path, limit=16 * 1024 * 1024) for path in args.ca])
    if args.servername is not None and not args.servername.strip():
        raise CliError("--servername is empty; give the name to send and check, or leave it out for HOST")
    one_stdin({"--ca": args.ca, "--key-password-file": args.key_password_file})
    route = route_from_args(args)
    host, port = parse_target(args.target, route_port(route))
    ca_pems = [read_source(path, limit=16 * 1024 * 1024) for path in args.ca]
    password = _client_key_password(args)
    ca_names = ["stdin" if path == "-" else path for path in args.ca]
    result = probe(host, port, ca_pems=ca_pems, ca_names=ca_names, system_roots=args.system_roots,
                   insecure=args.insecure, servername=args.servername, strict=args.strict,
                   timeout=args.timeout, client_cert=args.cert, client_key=args.key,
                   client_key_password=password, route=route,
                   status=args.status)
    served = judge(args, result, ca_pems)
    for warning in result.warnings:
        warn(warning)
    if args.json:
        emit_json({**result.to_json(), "served": None if served is None else served.to_json()})
    else:
        from tlsexplorer.core.text import printable
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.tls import probe_view

        console = make_console()
        console.print(probe_view(result))
        if args.pem:
            for cert in result.peer_chain:
                # The server chose this name: printed as text, its control characters escaped.
                console.print(f"# {printable(cert.subject)}", highlight=False, markup=False)
                sys.stdout.write(cert.pem.decode())
        show_served(served)
    return probe_exit(args, result.ok, served)


def _client_key_password(args: argparse.Namespace) -> bytes | None:
    """The client key's passphrase: from --key-password-file, or asked (without echo) only when the
    key turns out to be encrypted. Checks the option combination first."""
    if not args.cert:
        if args.key or args.key_password_file:
            raise CliError("--key and --key-password-file go with --cert FILE (the client certificate)")
        return None
    if "-" in (args.cert, args.key):
        raise CliError("--cert and --key need files (not -): Python's ssl loads them by path")
    if args.key_password_file:
        return read_password(args.key_password_file, option="--key-password-file", prompt="")
    from tlsexplorer.core.errors import PasswordRequired
    from tlsexplorer.core.tls.probe import load_client_identity

    try:
        load_client_identity(args.cert, args.key)
    except PasswordRequired:
        return read_password(None, option="--key-password-file",
                             prompt=f"Passphrase for {args.key or args.cert}: ")
    return None


def _scenarios(args: argparse.Namespace) -> int:
    import tempfile

    from tlsexplorer.core.tls.scenarios import SCENARIOS, run_scenarios

    known = {s.id for s in SCENARIOS}
    if args.only:
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise CliError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    with tempfile.TemporaryDirectory(prefix="tlsexplorer-lab-") as workdir:
        results = run_scenarios(Path(workdir), ids=args.only)
    if args.json:
        emit_json([
            {"id": r.scenario.id, "title": r.scenario.title, "ok": r.ok, "expected_ok": r.scenario.expect_ok,
             "as_expected": r.as_expected, "error": r.error, "reason": r.reason, "warning": r.warning,
             "commands": {tool: command for tool, command in r.commands},
             "clients": [{"client": client, "accepted": accepted, "said": said}
                         for client, accepted, said in r.clients],
             "browser": r.scenario.browser.to_json(r.scenario.host) if r.scenario.browser else None}
            for r in results
        ])
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.tls import scenario_board, scenario_detail

        console = make_console()
        console.print(scenario_board(results))
        for result in results:
            console.print()
            console.print(scenario_detail(result))
    return 0 if all(r.as_expected for r in results) else 1


def _wire(args: argparse.Namespace) -> int:
    import ssl

    from tlsexplorer.core.files import read_file
    from tlsexplorer.core.tls.decrypt import connection_json
    from tlsexplorer.core.tls.recorder import record_request, recorder_client_for
    from tlsexplorer.core.tls.records import analyse_exchange, cipher_suite_name, version_name
    from tlsexplorer.core.tls.server import DEFAULT_SECRET, LabServer
    from tlsexplorer.samples import SAMPLES_DIR

    context: Any = None
    client: Any = None
    host = "localhost"
    _refuse_with_plain(args, ("--tls-max", args.tls_max), ("--keylog", args.keylog))
    for target in (args.keylog, args.pcap):
        if target and Path(target).exists() and not args.force:
            raise CliError(f"{target} already exists; nothing was recorded (use --force to replace it)")
    if not args.plain:
        context, files = _context(args)
        if args.tls_max == "1.2":
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        # The recorder's client trusts what this server serves: Charlie's root for the built-in
        # sample, the CA folder's chain for --ca DIR, the served certificate itself for --cert FILE.
        if args.ca_dir:
            chain = Path(args.ca_dir) / "chain.pem"
            trusted: bytes | None = read_file(chain if chain.is_file() else Path(args.ca_dir) / "ca.pem")
        elif args.cert:
            trusted = None
        else:
            trusted = (SAMPLES_DIR / "charlies-root-ca.pem").read_bytes()
        client, host = recorder_client_for(read_file(files.cert), trusted)
    fernet_key = _fernet_key(args.fernet_key_file) if args.fernet_key_file else None
    with LabServer(context, port=0, fernet_key=fernet_key) as server:
        exchange, error = record_request(server.port, tls=not args.plain, client_context=client,
                                         server_hostname=host)
    analysis = analyse_exchange(exchange)
    if error:
        warn(f"the client's request failed: {error}")
    connection = _wire_decrypted(args, exchange, analysis)
    if args.json:
        emit_json({
            "kind": analysis.kind,
            "client_bytes": analysis.client_bytes,
            "server_bytes": analysis.server_bytes,
            "sni": analysis.sni,
            "tls_version": version_name(analysis.version) if analysis.version else None,
            "cipher_suite": cipher_suite_name(analysis.cipher_suite) if analysis.cipher_suite else None,
            "secret_visible": DEFAULT_SECRET.encode() in exchange.server_bytes,
            "records": [
                {"direction": r.direction, "content_type": r.type_name, "version": r.version_name,
                 "length": r.length, "encrypted": r.encrypted, "messages": [m.name for m in r.messages],
                 "note": r.note}
                for r in analysis.records
            ],
            "http": [{"direction": m.direction, "start_line": m.start_line} for m in analysis.http],
            "secret_decrypted": connection is not None
            and DEFAULT_SECRET.encode() in connection.application_data("server"),
            "connections": [connection_json(connection)] if connection is not None else [],
        })
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.tls import decrypted_view, wire_view

        console = make_console()
        console.print(wire_view(analysis, secret=DEFAULT_SECRET))
        if connection is not None:
            console.rule("the same records, decrypted with the client's key log")
            console.print(decrypted_view(connection, secret=DEFAULT_SECRET))
    return 0 if error is None else 1


def _wire_decrypted(args: argparse.Namespace, exchange: Any, analysis: Any) -> Any:
    """Keep the key log (--keylog FILE) and decrypt the exchange with it; None over plain HTTP."""
    from tlsexplorer.core.files import write_files
    from tlsexplorer.core.tls.capture import exchange_files
    from tlsexplorer.core.tls.decrypt import decrypt_exchange

    files = exchange_files(exchange, pcap=Path(args.pcap) if args.pcap else None,
                           keylog=Path(args.keylog) if args.keylog else None)
    if files:
        write_files(files, force=args.force)
        for item in files:
            secret = " (0600): it opens this recording, keep it private" if item.private else ""
            warn(f"{item.kind} written to {item.path}{secret}")
    if analysis.kind != "tls":
        return None
    return decrypt_exchange(exchange)


def _decrypt(args: argparse.Namespace) -> int:
    from tlsexplorer.core.tls.capture import MAX_CAPTURE_BYTES, decrypt_capture
    from tlsexplorer.core.tls.decrypt import connection_json

    keylog_text = read_source(args.keylog).decode("utf-8", "replace") if args.keylog else ""
    result = decrypt_capture(read_source(args.capture, limit=MAX_CAPTURE_BYTES), keylog_text)
    for warning in result.warnings:
        warn(warning)
    capture, keylog = result.capture, result.keylog
    streams = [c.stream for c in result.connections]
    connections = [c.connection for c in result.connections]
    if args.json:
        emit_json({
            "format": capture.format,
            "link_types": list(capture.link_types),
            "packets": capture.packets,
            "tcp_connections": len(capture.streams),
            "keylog_problems": list(keylog.problems),
            "problems": list(capture.problems),
            "connections": [
                {"client": stream.client, "server": stream.server, **connection_json(connection),
                 "stream_problems": list(stream.problems)}
                for stream, connection in zip(streams, connections, strict=True)
            ],
        })
    else:
        from tlsexplorer.render.console import make_console
        from tlsexplorer.render.tls import decrypted_view

        console = make_console()
        for stream, connection in zip(streams, connections, strict=True):
            console.rule(f"{stream.client} → {stream.server}")
            for problem in stream.problems:
                console.print(problem, style="yellow", markup=False)
            console.print(decrypted_view(connection))
    return 0 if result.ok else 1


__all__ = ["register"]
