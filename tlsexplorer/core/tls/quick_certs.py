"""The quick ways to a certificate, as the lab makes them: an ad hoc one (Flask's ``ssl_context='adhoc'``,
made fresh at each start) and the ``openssl req -x509`` one-liner's, both built by
:mod:`tlsexplorer.core.ca.build` and written (key 0600) to a folder of their own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from tlsexplorer.core.ca.build import (
    adhoc_spec,
    certificate_pem,
    issue_certificate,
    one_liner_spec,
    private_key_pem,
)
from tlsexplorer.core.files import FileToWrite, write_files
from tlsexplorer.core.tls.server_files import ServerFiles

QuickKind = Literal["adhoc", "one_liner"]

ONE_LINER = ("openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 "
             "-subj /CN=localhost")
"""The famous one-liner (OpenSSL 3's default configuration adds CA:TRUE and the key identifiers)."""


def quick_certificate(kind: QuickKind, now: dt.datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A new RSA 2048 key and its self-signed certificate of that ``kind``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    spec = adhoc_spec(now) if kind == "adhoc" else one_liner_spec(now, key.public_key())
    return issue_certificate(spec, key.public_key(), key), key


def write_quick(folder: Path, kind: QuickKind, now: dt.datetime, *, force: bool = False) -> ServerFiles:
    """Make a certificate of that ``kind`` and write it to ``folder`` (``KIND.pem``, ``KIND.key.pem``, 0600).

    Raises:
        FileAccessError: the files exist (without ``force``) or the folder cannot be written.
    """
    cert, key = quick_certificate(kind, now)
    files = ServerFiles(folder / f"{kind}.pem", folder / f"{kind}.key.pem")
    write_files([FileToWrite(files.cert, certificate_pem(cert), kind="certificate"),
                 FileToWrite(files.key, private_key_pem(key), private=True, kind="private_key")], force=force)
    return files


__all__ = ["ONE_LINER", "QuickKind", "quick_certificate", "write_quick"]
