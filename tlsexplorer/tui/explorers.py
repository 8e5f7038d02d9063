"""The registry of explorers: one entry per screen that exists.

Home's cards, the footer's key bindings, the help screen and the command
palette are all built from :data:`EXPLORERS`, so an explorer is added in one
place. Screens are named by import path and imported only when first opened,
which keeps start-up as fast as a bare Textual app.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from tlsexplorer.tui.screens.base import ExplorerScreen


@dataclass(frozen=True)
class Explorer:
    """One explorer screen as Home, the footer, help and the palette see it."""

    id: str
    """Short identifier, also the installed screen's name (``symmetric``)."""
    title: str
    """Title on the card, in the palette and in the footer."""
    key: str
    """The key binding that opens it from anywhere (``f2``)."""
    concept: str
    """Two sentences on the concept it teaches."""
    actions: str
    """What a person can do there."""
    screen: str
    """``module:Class`` of its :class:`ExplorerScreen`."""
    wide: bool = False
    """Home shows it as one line across the whole row (the course: the path through the others), and
    its key on that card rather than in Home's footer, which has room for the explorers' keys only
    (served to a browser, their alt+ names are longer)."""

    def load(self) -> type[ExplorerScreen]:
        """Import and return the screen class."""
        module_name, _, class_name = self.screen.partition(":")
        screen_class: type[ExplorerScreen] = getattr(importlib.import_module(module_name), class_name)
        return screen_class


#: Every explorer that exists, in the order Home shows them.
EXPLORERS: tuple[Explorer, ...] = (
    Explorer(
        id="symmetric",
        title="Symmetric",
        key="f2",
        concept=(
            "A shift cipher falls to letter counting; Fernet seals a message with AES and an HMAC. "
            "One shared key both locks and unlocks, and any changed byte is caught."
        ),
        actions="Caesar live, crack by frequency, Fernet keys, token anatomy, tamper lab, rotation",
        screen="tlsexplorer.tui.screens.symmetric:SymmetricScreen",
    ),
    Explorer(
        id="rsa",
        title="RSA",
        key="f3",
        concept=(
            "RSA hides a message in modular arithmetic: easy to compute with n, hard to undo without "
            "its factors p and q. Walk every step, from toy primes to your own keys."
        ),
        actions="Toy primes step by step, square-and-multiply traces, your own keys and signatures "
        "checked by hand, textbook attacks, Diffie-Hellman",
        screen="tlsexplorer.tui.screens.rsa:RsaScreen",
    ),
    Explorer(
        id="inspector",
        title="Inspector",
        key="f4",
        concept=(
            "A PEM file is base64 around DER: certificates, keys, CSRs and CRLs, each a tree of "
            "tagged bytes. Read every object in your files, see what each field means and what "
            "strict clients reject."
        ),
        actions="Open PEM, DER, PKCS#7, PKCS#12 and OpenSSH files or folders: details, lint, hex, "
        "DER tree, keys matched to certificates",
        screen="tlsexplorer.tui.screens.inspector:InspectorScreen",
    ),
    Explorer(
        id="chain",
        title="Chain",
        key="f5",
        concept=(
            "A certificate is trusted only through a chain of signatures up to a root you already trust. "
            "Every link is checked: signature, names, dates, CA flag, path length, key usage and host name."
        ),
        actions="Build a chain from files or the system store, see every check of every link with its fix",
        screen="tlsexplorer.tui.screens.chain:ChainScreen",
    ),
    Explorer(
        id="ca",
        title="CA workbench",
        key="f6",
        concept=(
            "A certificate authority is a key and a self-signed certificate that vouches for others. "
            "Clients accept what it issues only when every field is right for the role."
        ),
        actions="Root and intermediate CAs, server and client certificates, CSRs, a break-it lab, "
        "openssl and Python equivalents",
        screen="tlsexplorer.tui.screens.ca:CaScreen",
    ),
    Explorer(
        id="tls",
        title="TLS lab",
        key="f7",
        concept=(
            "HTTPS is HTTP inside TLS: the server proves its name with a certificate the client must trust. "
            "Serve your own certificate on loopback, find which clients accept it, and watch the bytes."
        ),
        actions="HTTPS on 127.0.0.1, a probe like openssl s_client, the course's trust errors with "
        "curl and openssl, plain HTTP vs TLS on the wire",
        screen="tlsexplorer.tui.screens.tls:TlsScreen",
    ),
    Explorer(
        id="course",
        title="Course",
        key="f10",
        concept="Plain HTTP to HTTPS on your own CA in eight lessons:",
        actions="predict, do it here, get checked; F12 the coach",
        screen="tlsexplorer.tui.screens.course:CourseScreen",
        wide=True,
    ),
)


def open_action(explorer_id: str) -> str:
    """The Textual action string that opens an explorer: ``app.open_explorer('rsa')``."""
    return f"app.open_explorer('{explorer_id}')"


def explorer_bindings(*, show: bool) -> list[Binding]:
    """One binding per explorer. The app's (``show=False``) work everywhere but
    stay out of the footer, which is for each explorer's own keys; Home's
    (``show=True``) put them in Home's footer. Priority bindings, so a focused
    widget's own binding (TextArea takes F6 and F7) never wins over them; Home's
    are priority too, so they stay the ones its footer shows."""
    return [
        Binding(item.key, open_action(item.id), item.title, show=show and not item.wide, priority=True)
        for item in EXPLORERS
    ]


def explorer(explorer_id: str) -> Explorer:
    """The explorer with ``explorer_id``.

    Raises:
        KeyError: no such explorer.
    """
    for item in EXPLORERS:
        if item.id == explorer_id:
            return item
    raise KeyError(explorer_id)


__all__ = ["EXPLORERS", "Explorer", "explorer", "explorer_bindings", "open_action"]
