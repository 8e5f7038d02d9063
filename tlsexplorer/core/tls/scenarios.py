"""The course's story, played against local servers: who trusts what, and why.

Each :class:`Scenario` starts (or fails to start) a :class:`LabServer` on
127.0.0.1 with the built-in samples, probes it the way a client in the
course did, and explains the outcome, with the curl, openssl and Python
commands that reproduce it by hand. :func:`run_scenarios` runs them all and
always shuts its servers down.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from tlsexplorer.core.ca.build import private_key_pem
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.files import FileToWrite, write_files
from tlsexplorer.core.tls.probe import ProbeResult, probe
from tlsexplorer.core.tls.quick_certs import ONE_LINER, write_quick
from tlsexplorer.core.tls.server import LabServer
from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context
from tlsexplorer.core.x509.browsers import LOADED, BrowserVerdict
from tlsexplorer.samples import SAMPLES_DIR

ROOT_FILE = "charlies-root-ca.pem"
"""The CA certificate a client is given (from the built-in samples)."""

SAMPLE_PASSPHRASE = b"secret_password"
"""The passphrase the lab encrypts its copy of the server key with (a sample: shown on screen)."""


@dataclass(frozen=True)
class Scenario:
    """One step of the story."""

    id: str
    """Short name (``no_ca``)."""
    title: str
    """What is tried."""
    expect_ok: bool
    """Whether the client should get the page."""
    server: str
    """Which server it needs: ``alice``, ``expired``, ``course``, ``encrypted``, ``adhoc`` or
    ``one_liner``."""
    browser: BrowserVerdict | None = None
    """What a browser shows (Chromium's net error name or ``loaded``, Firefox's name), a browser being
    given the CA as the client is; ``tests/core/test_browsers_real.py`` checks it against Chromium."""

    @property
    def host(self) -> str:
        """The host name the client asks for (in the URL a browser would open)."""
        options = _client_for(self.id, b"") if self.id in _CLIENTS else {}
        return str(options.get("servername") or options.get("host") or "localhost")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("no_ca", "No CA given: the client only trusts the system's roots", False, "alice",
             BrowserVerdict("ERR_CERT_AUTHORITY_INVALID", "SEC_ERROR_UNKNOWN_ISSUER",
                            "A browser trusts its own or the system's roots: add the CA to it "
                            "('tlsexplorer ca trust-help')")),
    Scenario("with_ca", "The CA given (curl --cacert, requests verify=)", True, "alice",
             BrowserVerdict(LOADED, note="Once the CA is in the browser's trust store ('tlsexplorer ca "
                            "trust-help')")),
    Scenario("insecure", "--insecure: verification skipped", True, "alice",
             BrowserVerdict(LOADED, note="After Proceed (Chromium) or Accept the Risk and Continue (Firefox) "
                            "on the no_ca warning page: the browser's --insecure, with the same risk")),
    Scenario("ip_mismatch", "Connect by 127.0.0.1 when the SAN has only localhost", False, "alice",
             BrowserVerdict("ERR_CERT_COMMON_NAME_INVALID", "SSL_ERROR_BAD_CERT_DOMAIN")),
    Scenario("expired", "An expired certificate", False, "expired",
             BrowserVerdict("ERR_CERT_DATE_INVALID", "SEC_ERROR_EXPIRED_CERTIFICATE")),
    Scenario("cn_only", "Course-style certificate (CN+SAN only) vs a strict client", False, "course",
             BrowserVerdict(LOADED, note="Browsers, like curl, accept a CA and leaf without key usage or "
                            "key identifiers; only OpenSSL's strict mode refuses them")),
    Scenario("adhoc", "Ad hoc certificate (Flask's 'adhoc'): self-signed at start",
             False, "adhoc",
             BrowserVerdict("ERR_CERT_AUTHORITY_INVALID", "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
                            "The warning page every time: a new certificate at each start, trusted by "
                            "nobody")),
    Scenario("one_liner", "openssl req -x509 one-liner (CN only) vs a strict client", False,
             "one_liner",
             BrowserVerdict("ERR_CERT_COMMON_NAME_INVALID", "SSL_ERROR_BAD_CERT_DOMAIN",
                            "Even with the certificate trusted: browsers read names from the SAN only")),
    Scenario("wrong_passphrase", "Wrong passphrase for the server key", False, "encrypted",
             BrowserVerdict("ERR_CONNECTION_REFUSED", "NS_ERROR_CONNECTION_REFUSED ('Unable to connect')",
                            "Nothing listens: there is no certificate to judge")),
)
"""The board, in the order the course tells it."""


@dataclass(frozen=True)
class ScenarioResult:
    """How one scenario went."""

    scenario: Scenario
    """What was tried."""
    ok: bool
    """True when the client got through (or the server started)."""
    error: str | None
    """The client's (or the server's) error, as it printed it."""
    reason: str
    """Why, in words."""
    commands: tuple[tuple[str, str], ...]
    """(tool, command line) pairs that reproduce it by hand."""
    warning: str | None = None
    """What was deliberately skipped (``--insecure``)."""
    probe: ProbeResult | None = None
    """The probe's full result, when a client connected."""
    port: int = 0
    """The server's port."""
    clients: tuple[tuple[str, bool, str], ...] = ()
    """(client, accepted, what it said) for each client tried on the same server (``one_liner``)."""

    @property
    def as_expected(self) -> bool:
        """True when the outcome is the one the story predicts."""
        return self.ok == self.scenario.expect_ok


class LabMaterial:
    """Server files for every scenario, written to a private folder.

    The built-in samples are used as they are; the lab adds the expired
    certificate's full chain and a copy of alice's key encrypted with
    :data:`SAMPLE_PASSPHRASE`.
    """

    def __init__(self, workdir: Path, samples: Path = SAMPLES_DIR) -> None:
        self.workdir = workdir
        """Where the extra files go."""
        self.samples = samples
        """The built-in samples folder."""
        self.root = samples / ROOT_FILE
        """The CA certificate clients are given."""
        self.alice = ServerFiles(
            samples / "alice.example.net.fullchain.pem", samples / "alice.example.net.key.pem"
        )
        """alice.example.net (SANs localhost and alice.example.net) behind the intermediate."""
        self.course = ServerFiles(samples / "alice-course-style.pem", samples / "alice.example.net.key.pem")
        """The course-style certificate (no key usage, no key identifiers) with alice's key."""
        self.expired = ServerFiles(workdir / "expired.fullchain.pem", samples / "expired.key.pem")
        """old.example.net, valid only in 2020, with its intermediate."""
        self.encrypted = ServerFiles(self.alice.cert, workdir / "alice.encrypted.key.pem")
        """alice with her key encrypted under :data:`SAMPLE_PASSPHRASE`."""
        self.adhoc = ServerFiles(workdir / "adhoc.pem", workdir / "adhoc.key.pem")
        """A throwaway self-signed certificate for localhost, made by :meth:`prepare` (Flask's 'adhoc')."""
        self.one_liner = ServerFiles(workdir / "one_liner.pem", workdir / "one_liner.key.pem")
        """The ``openssl req -x509 ... -subj /CN=localhost`` certificate, made by :meth:`prepare`."""

    def prepare(self) -> LabMaterial:
        """Write the extra files (once)."""
        wanted: list[FileToWrite] = []
        if not self.expired.cert.exists():
            chain = (self.samples / "expired.pem").read_bytes() + (
                self.samples / "charlies-intermediate-ca.pem").read_bytes()
            wanted.append(FileToWrite(self.expired.cert, chain, kind="certificate"))
        if not self.encrypted.key.exists():
            key = serialization.load_pem_private_key(self.alice.key.read_bytes(), None)
            pem = private_key_pem(key, SAMPLE_PASSPHRASE)  # type: ignore[arg-type]
            wanted.append(FileToWrite(self.encrypted.key, pem, private=True, kind="private_key"))
        if wanted:
            write_files(wanted)
        # Valid from a day ago in real time: real clients judge them by the real clock.
        made = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        for kind, files in (("adhoc", self.adhoc), ("one_liner", self.one_liner)):
            if not files.cert.exists():
                write_quick(self.workdir, kind, made)  # type: ignore[arg-type]
        return self

    def files(self, server: str) -> ServerFiles:
        """The files of one server setup."""
        table = {"alice": self.alice, "course": self.course, "expired": self.expired,
                 "encrypted": self.encrypted, "adhoc": self.adhoc, "one_liner": self.one_liner}
        return table[server]


def _q(text: str) -> str:
    return shlex.quote(text)


def commands_for(scenario_id: str, port: int, ca: str = ROOT_FILE) -> tuple[tuple[str, str], ...]:
    """The curl, openssl and Python commands that reproduce a scenario by hand, after the command that
    starts its server (run in the samples folder, in another terminal)."""
    serve = f"tlsexplorer tls serve --port {port}"
    servers = {
        "expired": ("cat expired.pem charlies-intermediate-ca.pem > expired.fullchain.pem && "
                    f"{serve} --cert expired.fullchain.pem --key expired.key.pem"),
        "cn_only": f"{serve} --cert alice-course-style.pem --key alice.example.net.key.pem",
    }
    if scenario_id in ("no_ca", "with_ca", "insecure", "ip_mismatch", "expired", "cn_only"):
        first = (("server", servers.get(scenario_id, f"{serve}   # the built-in alice.example.net")),)
        return first + _client_commands(scenario_id, port, ca)
    return _client_commands(scenario_id, port, ca)


def _client_commands(scenario_id: str, port: int, ca: str) -> tuple[tuple[str, str], ...]:
    url = f"https://localhost:{port}/"
    s_client = f"openssl s_client -connect localhost:{port} -servername localhost"
    quiet = " -brief </dev/null"
    get = "python3 -c \"import requests; print(requests.get('{url}'{extra}).text)\""
    if scenario_id == "no_ca":
        return (("curl", f"curl {url}"),
                ("openssl", f"{s_client} -verify_hostname localhost -verify_return_error{quiet}"),
                ("python", get.format(url=url, extra="")))
    if scenario_id == "with_ca":
        return (("curl", f"curl --cacert {_q(ca)} {url}"),
                ("openssl",
                 f"{s_client} -CAfile {_q(ca)} -verify_hostname localhost -verify_return_error{quiet}"),
                ("python", get.format(url=url, extra=f", verify='{ca}'")))
    if scenario_id == "insecure":
        return (("curl", f"curl --insecure {url}"),
                ("openssl", f"{s_client}{quiet}   # reports the error, carries on anyway"),
                ("python", get.format(url=url, extra=", verify=False")))
    if scenario_id == "ip_mismatch":
        ip_url = f"https://127.0.0.1:{port}/"
        return (("curl", f"curl --cacert {_q(ca)} {ip_url}"),
                ("openssl", f"openssl s_client -connect 127.0.0.1:{port} -CAfile {_q(ca)} "
                 f"-verify_ip 127.0.0.1 -verify_return_error{quiet}"),
                ("python", get.format(url=ip_url, extra=f", verify='{ca}'")))
    if scenario_id == "expired":
        old_url = f"https://old.example.net:{port}/"
        return (("curl", f"curl --cacert {_q(ca)} --resolve old.example.net:{port}:127.0.0.1 {old_url}"),
                ("openssl", f"openssl s_client -connect 127.0.0.1:{port} -servername old.example.net "
                 f"-CAfile {_q(ca)} -verify_hostname old.example.net -verify_return_error{quiet}"),
                ("python", get.format(url=old_url, extra=f", verify='{ca}'")
                 + "   # with old.example.net -> 127.0.0.1 in /etc/hosts"))
    if scenario_id == "cn_only":
        return (("curl", f"curl --cacert {_q(ca)} {url}   # accepted: curl is not strict"),
                ("openssl", f"{s_client} -CAfile {_q(ca)} -x509_strict -verify_return_error{quiet}"),
                ("python", "python3 -c \"import socket, ssl; c = ssl.create_default_context("
                 f"cafile='{ca}'); c.verify_flags |= ssl.VERIFY_X509_STRICT; c.wrap_socket("
                 f"socket.create_connection(('localhost', {port})), server_hostname='localhost')\""
                 "   # Python 3.13+ is strict by default"))
    if scenario_id == "adhoc":
        return (("server", f"tlsexplorer tls serve --adhoc --port {port}   # Flask: "
                 "app.run(ssl_context='adhoc')"),
                ("curl", f"curl {url}   # refused: self-signed certificate"),
                ("openssl", f"{s_client} -verify_hostname localhost -verify_return_error{quiet}"),
                ("python", get.format(url=url, extra="")),
                ("curl --insecure", f"curl --insecure {url}   # the page, and no proof of who sent it"))
    if scenario_id == "one_liner":
        return (("server", f"{ONE_LINER} && tlsexplorer tls serve --cert cert.pem --key key.pem "
                 f"--port {port}"),
                ("curl", f"curl --cacert cert.pem {url}   # accepted: curl falls back to the CN"),
                ("curl by IP", f"curl --cacert cert.pem https://127.0.0.1:{port}/   # refused: no IP in the "
                 "SAN"),
                ("openssl", f"{s_client} -CAfile cert.pem -verify_hostname localhost -x509_strict "
                 f"-verify_return_error{quiet}   # accepted: OpenSSL falls back to the CN"),
                ("python", "python3 -c \"import socket, ssl; "
                 "c = ssl.create_default_context(cafile='cert.pem'); c.hostname_checks_common_name = False; "
                 f"c.wrap_socket(socket.create_connection(('localhost', {port})), "
                 "server_hostname='localhost')\"   # refused: names from the SAN only"),
                ("fix", "add -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' to the one-liner"))
    if scenario_id == "wrong_passphrase":
        # The lab's encrypted copy of alice's key lives in its own folder: the line makes it first.
        return (("server", "openssl pkey -in alice.example.net.key.pem -aes256 -passout pass:secret_password "
                 "-out alice.encrypted.key.pem && echo wrong > wrong.txt && "
                 f"tlsexplorer tls serve --port {port} --cert alice.example.net.fullchain.pem "
                 "--key alice.encrypted.key.pem --key-password-file wrong.txt"),
                ("openssl", f"openssl s_server -accept {port} -cert alice.example.net.fullchain.pem "
                 "-key alice.encrypted.key.pem -pass pass:wrong -www"),
                ("python", "python3 -c \"import ssl; ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)"
                 ".load_cert_chain('alice.example.net.fullchain.pem', 'alice.encrypted.key.pem', "
                 "password='wrong')\""),
                ("curl", f"curl {url}   # connection refused: the server never started"))
    raise KeyError(scenario_id)


REASONS: dict[str, str] = {
    "no_ca": (
        "The server sent alice.example.net and Charlie's Intermediate CA. The intermediate was signed by "
        "Charlie's root CA, which is in no system trust store, so the client finds no trusted issuer "
        "('unable to get local issuer certificate'). Give the client the CA: curl --cacert, "
        "requests verify=, openssl -CAfile."
    ),
    "with_ca": (
        "The client trusts Charlie's root; the server sent its intermediate; leaf -> intermediate -> root "
        "verifies, the dates are good and the SAN names localhost."
    ),
    "insecure": (
        "The page arrives, but nothing about the server was checked: any certificate, expired or for "
        "another name, from anyone in the middle, would have been accepted. The traffic is encrypted "
        "to whoever answered."
    ),
    "ip_mismatch": (
        "The chain is trusted, but the certificate names localhost and alice.example.net (DNS names) and "
        "no IP address. A client that connects to 127.0.0.1 looks for an IP SAN 127.0.0.1 and finds "
        "none. Connect by a name in the SAN, or issue the certificate with an IP SAN."
    ),
    "expired": (
        "old.example.net was valid only during 2020. The chain is trusted and the name matches, but "
        "every client checks the dates: after notAfter the certificate is refused. Issue a new one."
    ),
    "cn_only": (
        "The course's certificate has only a CN and a SAN: no key usage, no key identifiers. OpenSSL's "
        "strict mode (VERIFY_X509_STRICT, the default from Python 3.13) requires an Authority Key "
        "Identifier on every certificate below the root, so a strict client refuses it; curl and Python "
        "3.11 accept it. Issue it with the CA workbench's defaults."
    ),
    "adhoc": (
        "The server made a self-signed certificate when it started, as Flask's ssl_context='adhoc' does: no "
        "CA signed it, so no client has anything to trust it with ('self-signed certificate'). The traffic "
        "is encrypted, but to whoever answered: only --insecure gets the page, and a browser shows its "
        "warning page each time, for a new certificate at each start."
    ),
    "one_liner": (
        "The one-liner's certificate names localhost in the CN only (no SAN) and is its own CA "
        "(basicConstraints CA:TRUE, from OpenSSL's default configuration). Given it as the CA to trust, a "
        "relaxed client that falls back to the CN accepts it (curl, openssl s_client, Python's default), "
        "but a strict client reads names from the SAN only (browsers, Go, rustls, Python with "
        "hostname_checks_common_name = False) and refuses it: 'Hostname mismatch'. By 127.0.0.1 every "
        "client refuses it. Add -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1', or use a CA as in "
        "lesson 6."
    ),
    "wrong_passphrase": (
        "The server key is encrypted and the passphrase given does not open it, so the server cannot "
        "start and every client gets 'connection refused'. The sample passphrase is secret_password."
    ),
}
"""Why each scenario ends the way it does."""


_CLIENTS = ("no_ca", "with_ca", "insecure", "ip_mismatch", "expired", "cn_only", "adhoc", "one_liner")


def _client_for(scenario_id: str, root: bytes) -> dict[str, object]:
    table: dict[str, dict[str, object]] = {
        "no_ca": {"host": "localhost"},
        "with_ca": {"host": "localhost", "ca_pems": [root]},
        "insecure": {"host": "localhost", "insecure": True},
        "ip_mismatch": {"host": "127.0.0.1", "ca_pems": [root]},
        "expired": {"host": "127.0.0.1", "servername": "old.example.net", "ca_pems": [root]},
        "cn_only": {"host": "localhost", "ca_pems": [root], "strict": True},
        "adhoc": {"host": "localhost"},
        "one_liner": {"host": "localhost"},
    }
    return table[scenario_id]


@contextlib.contextmanager
def _servers(material: LabMaterial) -> Iterator[Callable[[str], LabServer]]:
    running: dict[str, LabServer] = {}

    def get(name: str) -> LabServer:
        if name not in running:
            context = load_server_context(material.files(name))
            running[name] = LabServer(context).start()
        return running[name]

    try:
        yield get
    finally:
        for server in running.values():
            server.stop()


def run_scenarios(
    workdir: Path,
    *,
    ids: Sequence[str] | None = None,
    now: dt.datetime | None = None,
    timeout: float = 3.0,
    on_result: Callable[[ScenarioResult], None] | None = None,
    explain: bool = False,
) -> list[ScenarioResult]:
    """Play the scenarios (all, or those in ``ids``) and explain each outcome.

    Servers listen on free ports of 127.0.0.1 and are always stopped, also
    when something fails half-way.
    """
    material = LabMaterial(workdir).prepare()
    root = material.root.read_bytes()
    chosen = [s for s in SCENARIOS if ids is None or s.id in ids]
    results: list[ScenarioResult] = []
    with _servers(material) as server_for:
        for scenario in chosen:
            result = _run_one(scenario, material, server_for, root, now, timeout, explain)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def _run_one(
    scenario: Scenario,
    material: LabMaterial,
    server_for: Callable[[str], LabServer],
    root: bytes,
    now: dt.datetime | None,
    timeout: float,
    explain: bool = False,
) -> ScenarioResult:
    if scenario.id == "wrong_passphrase":
        try:
            load_server_context(material.encrypted, b"wrong")
        except TlsxError as exc:
            # Name the key file as the commands do, not by the lab's private folder.
            message = str(exc).replace(f"{material.workdir}/", "")
            return ScenarioResult(scenario, False, message, REASONS[scenario.id],
                                  commands_for(scenario.id, 8443))
        return ScenarioResult(scenario, True, None, "the wrong passphrase opened the key?!",
                              commands_for(scenario.id, 8443))
    server = server_for(scenario.server)
    if scenario.id == "one_liner":
        return _one_liner(scenario, material, server.port, timeout)
    options = _client_for(scenario.id, root)
    host = str(options.pop("host"))
    result = probe(host, server.port, timeout=timeout, now=now, explain=explain, **options)  # type: ignore[arg-type]
    reason = REASONS[scenario.id]
    if scenario.id == "cn_only" and result.connected:
        lenient = probe(host, server.port, ca_pems=[root], timeout=timeout, explain=False)
        reason += (" (Checked just now: without strict mode the same client "
                   f"{'accepts' if lenient.verified else 'also refuses'} it.)")
    warning = result.warnings[0] if result.warnings else None
    return ScenarioResult(scenario, result.ok, result.error, reason, commands_for(scenario.id, server.port),
                          warning=warning, probe=result, port=server.port)


#: The clients the one-liner's certificate meets: (who, VERIFY_X509_STRICT, names from the CN too).
ONE_LINER_CLIENTS = (
    ("Python, relaxed (ssl.create_default_context, as curl and openssl: the CN as a fallback)", False, True),
    ("Python, VERIFY_X509_STRICT (Python 3.13's default)", True, True),
    ("Python, names from the SAN only (hostname_checks_common_name = False, as browsers, Go, rustls)",
     True, False),
)


def _python_client(port: int, cadata: str, strict: bool, cn_fallback: bool, timeout: float) -> str | None:
    """One handshake with localhost:``port`` as Python's ssl makes it: None when it verified, else the
    error."""
    import socket
    import ssl

    context = ssl.create_default_context(cadata=cadata)
    context.hostname_checks_common_name = cn_fallback
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock, \
                context.wrap_socket(sock, server_hostname="localhost"):
            return None
    except ssl.SSLCertVerificationError as exc:
        return f"certificate verify failed: {exc.verify_message}"
    except (OSError, ssl.SSLError) as exc:
        return f"could not connect: {exc}"


def _one_liner(scenario: Scenario, material: LabMaterial, port: int, timeout: float) -> ScenarioResult:
    """The one-liner's certificate, trusted as its own CA, against each client of :data:`ONE_LINER_CLIENTS`;
    the scenario's verdict is the strictest one's."""
    cadata = material.one_liner.cert.read_text()
    clients = []
    for title, strict, fallback in ONE_LINER_CLIENTS:
        said = _python_client(port, cadata, strict, fallback, timeout)
        clients.append((title, said is None, said or "page received"))
    _title, ok, said = clients[-1]
    return ScenarioResult(scenario, ok, None if ok else said, REASONS[scenario.id],
                          commands_for(scenario.id, port), port=port, clients=tuple(clients))


__all__ = [
    "ONE_LINER_CLIENTS",
    "REASONS",
    "ROOT_FILE",
    "SAMPLE_PASSPHRASE",
    "SCENARIOS",
    "LabMaterial",
    "Scenario",
    "ScenarioResult",
    "commands_for",
    "run_scenarios",
]
