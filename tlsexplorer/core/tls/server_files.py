"""What the lab server serves with: its certificate and key files (a CA's issued files or the
samples), read into an SSL context with one sentence per thing that can go wrong (a missing file,
an encrypted key without its passphrase, a key of another certificate).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

import tlsexplorer.core.x509.safe as safe
from tlsexplorer.core.errors import (
    FileAccessError,
    InvalidInput,
    PasswordRequired,
    WrongPassword,
)
from tlsexplorer.core.files import read_file


@dataclass(frozen=True)
class ServerFiles:
    """Where a server's certificate chain and key come from."""

    cert: Path
    """PEM file: the server certificate first, then its intermediates."""
    key: Path
    """PEM file with the private key (maybe encrypted)."""


def ca_issued_files(ca_dir: Path, name: str) -> ServerFiles:
    """The full chain and key the CA workbench wrote for ``name`` in ``ca_dir``.

    Uses the CA store's own layout (``issued/NAME.fullchain.pem`` and
    ``issued/NAME.key.pem``).

    Raises:
        FileAccessError: the folder has no certificate issued under that name.
    """
    fullchain = ca_dir / "issued" / f"{name}.fullchain.pem"
    key = ca_dir / "issued" / f"{name}.key.pem"
    try:
        import tlsexplorer.core.ca.store as ca_store
        paths: Any = getattr(ca_store, "issued_paths", None)
        if paths is not None:
            found = paths(ca_dir, name)
            fullchain = Path(getattr(found, "fullchain", fullchain))
            key = Path(getattr(found, "key", key))
    except ImportError:
        pass
    for path in (fullchain, key):
        if not path.is_file():
            raise FileAccessError(
                f"{path}: no such file; issue a certificate named {name!r} in {ca_dir} first "
                f"(tlsexplorer ca issue) or check --ca and --name"
            )
    return ServerFiles(fullchain, key)


def key_is_encrypted(data: bytes) -> bool:
    """True when a PEM private key needs a passphrase."""
    return b"ENCRYPTED" in data.split(b"-----END", 1)[0]


def load_server_context(
    files: ServerFiles,
    password: bytes | None = None,
    *,
    client_ca: Path | None = None,
    password_hint: str = "--key-password-file FILE (or type it at the prompt)",
) -> ssl.SSLContext:
    """Check the certificate and key, then build the server's SSL context.

    The checks come first so each problem has its own message: no
    certificate in the file, an encrypted key without a passphrase, a wrong
    passphrase, a key that does not belong to the certificate. ``password_hint``
    says where the passphrase is given (the CLI's option, or the TUI's field).

    Raises:
        InvalidInput: unreadable PEM, a key that does not match, or a client CA
            file without a certificate (PEM or DER).
        PasswordRequired: the key is encrypted and no passphrase was given.
        WrongPassword: the passphrase does not open the key.
        FileAccessError: a file is missing or unreadable.
    """
    cert_data = read_file(files.cert)
    key_data = read_file(files.key)
    try:
        certs = x509.load_pem_x509_certificates(cert_data)
    except Exception as exc:  # the library fails in ways it does not document (a v7 certificate)
        why = "" if isinstance(exc, ValueError) and "PEM" in str(exc) else f" ({safe.explain(exc)})"
        raise InvalidInput(f"{files.cert}: no PEM certificate found{why}; give the server's certificate "
                           "(its full chain, leaf first)") from None
    unreadable = safe.problems(certs[0])
    if unreadable:
        raise InvalidInput(f"{files.cert}: the certificate cannot be served: "
                           f"{'; '.join(u.sentence for u in unreadable)}")
    encrypted = key_is_encrypted(key_data)
    if encrypted and password is None:
        raise PasswordRequired(f"{files.key} is encrypted; give its passphrase with {password_hint}")
    if encrypted and not password:  # typed nothing at the prompt, or an empty file
        raise WrongPassword(f"an empty passphrase does not open {files.key}; give the one it was "
                            "written with")
    try:
        key = serialization.load_pem_private_key(key_data, password if encrypted else None)
    except ValueError as exc:
        if encrypted:
            raise WrongPassword(f"the passphrase does not open {files.key}; check it and try again") from None
        raise InvalidInput(f"{files.key}: not a PEM private key ({safe.explain(exc)})") from None
    except TypeError:
        raise InvalidInput(f"{files.key}: cannot be read as a private key") from None
    except Exception as exc:  # cryptography raises UnsupportedAlgorithm for odd keys
        raise InvalidInput(f"{files.key}: cannot be read as a private key ({safe.explain(exc)})") from None
    leaf_key = certs[0].public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    own_key = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if leaf_key != own_key:
        raise InvalidInput(
            f"{files.key} does not belong to the certificate in {files.cert} "
            f"({certs[0].subject.rfc4514_string()}); give the key the certificate was issued for"
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(files.cert), str(files.key), password=password if encrypted else None)
    except ssl.SSLError as exc:
        raise InvalidInput(f"OpenSSL refused {files.cert} with {files.key}: {exc.reason or exc}") from None
    context.set_alpn_protocols(["http/1.1"])
    if client_ca is not None:
        from tlsexplorer.core.tls.probe import load_trust

        what = "the client CA's certificate for mutual TLS"
        load_trust(context, read_file(client_ca), str(client_ca), what)
        context.verify_mode = ssl.CERT_REQUIRED
    return context
