"""How to make a browser trust a local CA, per platform, and how to undo it.

:func:`trust_help` reads a CA folder and returns, for Linux (Chromium and
Chrome read the NSS database ``~/.pki/nssdb``; Firefox has one per
profile), macOS (the System keychain) and Windows (the Root store), the
commands that add its certificate as a trust anchor for TLS servers and the
commands that take it out again, with the folder's real path and the CA's
name filled in. tlsexplorer never runs them: trusting a CA lets whoever holds
its key impersonate any site to you, so it is the user's decision.
``tests/core/test_browsers_real.py`` runs the Linux commands against a
private HOME and watches headless Chromium load a page, then refuse it after
the undo commands.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes

import tlsexplorer.core.ca.store as store
from tlsexplorer.core.x509.naming import short_name

NSSDB = '"$HOME/.pki/nssdb"'
"""The NSS database Chromium and Chrome read on Linux (quoted for the shell)."""

MAC_KEYCHAIN = "/Library/Keychains/System.keychain"
"""Where macOS keeps the roots every user's browsers trust."""


@dataclass(frozen=True)
class TrustSteps:
    """One platform's commands."""

    platform: str
    """Where they apply (``Linux: Chromium and Chrome``)."""
    trust: tuple[str, ...]
    """Commands that make the browser trust the CA, in order."""
    undo: tuple[str, ...]
    """Commands that take the trust away again."""
    check: tuple[str, ...]
    """Commands that show what is trusted now."""
    notes: tuple[str, ...] = ()
    """What else to know (close Firefox first, admin rights...)."""


@dataclass(frozen=True)
class TrustHelp:
    """Every platform's steps for one CA."""

    ca_file: Path
    """The certificate to trust (absolute)."""
    name: str
    """The CA's name (its CN), also the nickname the NSS commands give it."""
    sha1: str
    """Its SHA-1 fingerprint, uppercase hex: how macOS and Windows name it to delete it."""
    is_root: bool
    """False when the folder holds an intermediate (trust its root instead)."""
    root_name: str
    """The root's name (the CA's own name for a root)."""
    steps: tuple[TrustSteps, ...]
    """Linux (Chromium, Firefox), macOS, Windows."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """What to know before running any of it."""
        out = [
            "Trusting a CA lets whoever holds its key impersonate any web site to this browser: keep "
            "ca.key.pem private (0600, ideally encrypted), and undo it when the lab is over.",
        ]
        if not self.is_root:
            out.append(
                f"This folder holds an intermediate CA. Browsers should trust its root, {self.root_name!r}: "
                "run this for the root's folder. Trusting the intermediate itself works too (NSS, macOS and "
                "Windows accept it as an anchor), but then only what it signs is trusted."
            )
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        """``{"ca_file", "name", "sha1", "is_root", "root_name", "warnings", "platforms": [...]}``."""
        return {
            "ca_file": str(self.ca_file), "name": self.name, "sha1": self.sha1.lower(),
            "is_root": self.is_root, "root_name": self.root_name, "warnings": list(self.warnings),
            "platforms": [
                {"platform": s.platform, "trust": list(s.trust), "undo": list(s.undo), "check": list(s.check),
                 "notes": list(s.notes)}
                for s in self.steps
            ],
        }


def _nss(db: str, nickname: str, pem: str) -> tuple[str, str, str]:
    """(add, delete, list) for one NSS database; ``db`` is already quoted for the shell."""
    return (f'certutil -d sql:{db} -A -t "C,," -n {nickname} -i {pem}',
            f"certutil -d sql:{db} -D -n {nickname}",
            f"certutil -d sql:{db} -L")


def _windows_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def trust_help(ca_dir: str | Path) -> TrustHelp:
    """The commands that make browsers trust the CA in ``ca_dir``, per platform, and undo it.

    Raises:
        UsageError: not a CA folder. InvalidInput / FileAccessError: its certificates cannot be read.
    """
    chain = store.read_ca_chain(ca_dir)
    cert = chain[0]
    pem_path = (Path(ca_dir) / store.CA_CERT).resolve()
    name = short_name(cert.subject)
    sha1 = cert.fingerprint(hashes.SHA1()).hex().upper()
    pem, nickname = shlex.quote(str(pem_path)), shlex.quote(name)
    add, delete, listing = _nss(NSSDB, nickname, pem)
    chromium = TrustSteps(
        "Linux: Chromium, Chrome, Edge (NSS database ~/.pki/nssdb)",
        trust=(f"mkdir -p {NSSDB}",
               f'[ -e "$HOME/.pki/nssdb/cert9.db" ] || certutil -d sql:{NSSDB} -N --empty-password',
               add),
        undo=(delete,),
        check=(listing,),
        notes=("certutil is in the libnss3-tools package (Debian, Ubuntu) or nss-tools (Fedora).",
               "Restart the browser afterwards. A snap or flatpak Chromium keeps its own ~/.pki under "
               "~/snap/chromium/current or ~/.var/app/.",),
    )
    profile = '"$profile"'
    f_add, f_delete, f_list = _nss(profile, nickname, pem)
    loop = ('for profile in ~/.mozilla/firefox/*/ ~/snap/firefox/common/.mozilla/firefox/*/; '
            'do [ ! -e "$profile/cert9.db" ] || {}; done')
    firefox = TrustSteps(
        "Linux: Firefox (one NSS database per profile)",
        trust=(loop.format(f_add),),
        undo=(loop.format(f_delete),),
        check=(loop.format(f_list),),
        notes=("Close Firefox first. Or by hand: Settings > Privacy & Security > Certificates > View "
               "Certificates > Authorities > Import, tick 'Trust this CA to identify websites'.",),
    )
    mac = TrustSteps(
        "macOS: Safari, Chrome, Edge (the System keychain); Firefox when security.enterprise_roots.enabled",
        trust=(f"sudo security add-trusted-cert -d -r trustRoot -k {MAC_KEYCHAIN} {pem}",),
        undo=(f"sudo security remove-trusted-cert -d {pem}",
              f"sudo security delete-certificate -Z {sha1} {MAC_KEYCHAIN}"),
        check=(f"security find-certificate -a -Z -c {nickname} {MAC_KEYCHAIN}",),
        notes=("macOS asks for an administrator's password, and may ask again in a dialog.",),
    )
    win_pem = _windows_quote(str(pem_path))
    windows = TrustSteps(
        "Windows: Edge, Chrome (the current user's Root store); Firefox when "
        "security.enterprise_roots.enabled",
        trust=(f"certutil -user -addstore Root {win_pem}",
               f"# or in PowerShell: Import-Certificate -FilePath {win_pem} "
               "-CertStoreLocation Cert:\\CurrentUser\\Root"),
        undo=(f"certutil -user -delstore Root {sha1}",
              f"# or in PowerShell: Remove-Item Cert:\\CurrentUser\\Root\\{sha1}"),
        check=(f"certutil -user -verifystore Root {sha1}",),
        notes=("Windows shows a security warning naming the CA and its thumbprint before it adds it: "
               f"check that the thumbprint is {sha1}.",),
    )
    return TrustHelp(pem_path, name, sha1, store.is_self_signed(cert), short_name(chain[-1].subject),
                     (chromium, firefox, mac, windows))


__all__ = ["MAC_KEYCHAIN", "NSSDB", "TrustHelp", "TrustSteps", "trust_help"]
