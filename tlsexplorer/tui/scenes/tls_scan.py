"""Scene of the TLS lab's Scan tab: a server that still takes TLS 1.0 and RSA key exchange, graded."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle


def sample_scan() -> Any:
    """A fixed scan result (no network, no clock): TLS 1.0 to 1.3, a few suites, groups, ALPN."""
    from tlsexplorer.core.tls.connect import Route
    from tlsexplorer.core.tls.scan import (
        GroupResult,
        How,
        Resumption,
        ScanResult,
        Suite,
        SuiteList,
        VersionResult,
        findings_for,
        grade,
    )

    hand: How = "hand-built ClientHello"
    versions = (
        VersionResult("SSL 3.0", False, hand, "the server refused with alert handshake_failure"),
        VersionResult("TLS 1.0", True, "ssl", "2 suite(s)"),
        VersionResult("TLS 1.1", False, "ssl", "refused (alert protocol_version)"),
        VersionResult("TLS 1.2", True, "ssl", "3 suite(s)"),
        VersionResult("TLS 1.3", True, "ssl", "handshake completed"),
    )
    suites = (
        SuiteList("TLS 1.0", (Suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC013, "ECDHE-RSA-AES128-SHA"),
                              Suite("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F, "AES128-SHA")), True),
        SuiteList("TLS 1.2", (Suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F,
                                    "ECDHE-RSA-AES128-GCM-SHA256"),
                              Suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8,
                                    "ECDHE-RSA-CHACHA20-POLY1305"),
                              Suite("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F, "AES128-SHA")), True),
        SuiteList("TLS 1.3", (Suite("TLS_AES_128_GCM_SHA256", 0x1301, "", hand),
                              Suite("TLS_AES_256_GCM_SHA384", 0x1302, "", hand)), False),
    )
    groups = (
        GroupResult("X25519MLKEM768", 0x11EC, False, "the server refused with alert handshake_failure"),
        GroupResult("x25519", 0x001D, True, "ServerHello with x25519"),
        GroupResult("secp256r1", 0x0017, True, "ServerHello with secp256r1"),
        GroupResult("ffdhe2048", 0x0100, False, "the server refused with alert handshake_failure"),
    )
    alpn = (("h2", False), ("http/1.1", True))
    resumption = Resumption(True, True, True)
    findings = findings_for(versions, suites, groups, alpn, resumption)
    return ScanResult("legacy.example.net", 443, "legacy.example.net", Route(), None, versions, suites,
                      groups, alpn, resumption, tuple(findings), grade(findings, True),
                      ("OCSP stapling is not part of this scan",), 61, 0.42)


async def _scan(pilot: Pilot[Any]) -> None:
    """F7, Scan tab, a fixed scan result on screen."""
    from tlsexplorer.tui.screens.tls import TlsScreen
    from tlsexplorer.tui.screens.tls_scan import ScanTab

    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TlsScreen)
    screen.show_tab("tab-scan", "#scan-table")
    screen.query_one(ScanTab).show_result(sample_scan())
    await settle(pilot)


SCENES = [
    Scene("tls-scan", "TLS lab: a server scanned and graded, each finding with its nginx, Apache and "
          "Python fix", _scan),
]
