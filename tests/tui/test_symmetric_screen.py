"""Pilot tests of the Symmetric screen: Caesar live, crack, Fernet, anatomy, tamper lab, rotation."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from textual.widgets import Input, Static, TabbedContent, TextArea

from tests.tui.conftest import open_explorer, wait_for_text, wait_until, widget_text
from tlsexplorer.core.symmetric import caesar
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.symmetric import DEMO_KEY, SymmetricScreen

SIZE = (120, 40)


async def test_f2_opens_and_escape_returns() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_explorer(pilot, "symmetric")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SymmetricScreen)


async def test_caesar_is_live() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        screen.query_one("#caesar-input", TextArea).text = "fluffy tail"
        screen.query_one("#shift", Input).value = "-1"
        await pilot.pause()
        assert "ekteex szhk" in widget_text(screen, "#caesar-output")
        screen.query_one("#caesar-input", TextArea).text = "ekteex szhk"
        screen.query_one("#shift", Input).value = "25"
        await pilot.pause()
        output = widget_text(screen, "#caesar-output")
        assert "25 places back" in output and "fluffy tail" in output


async def test_crack_ranks_and_charts() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.click("#to-crack")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#tabs", TabbedContent).active == "tab-crack"
        assert "Best shift: 3" in widget_text(screen, "#crack-summary")
        assert "ciphertext" in widget_text(screen, "#crack-chart")
        assert "chi²" in widget_text(screen, "#crack-ranking")
        screen.query_one("#crack-input", TextArea).text = "1234 !!"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no letters" in widget_text(screen, "#crack-summary")


async def test_keygen_encrypt_decrypt_with_library() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.press("ctrl+g")
        await pilot.pause()
        key = screen.query_one("#key", Input).value
        assert len(base64.urlsafe_b64decode(key)) == 32
        assert "signing key" in widget_text(screen, "#key-info")
        screen.query_one("#message", Input).value = "meet at noon"
        await pilot.press("ctrl+n")
        await pilot.pause()
        token = screen.query_one("#token", Input).value
        assert Fernet(key).decrypt(token.encode()) == b"meet at noon"
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "meet at noon" in widget_text(screen, "#fernet-result")
        # A wrong key is refused with the reason.
        screen.query_one("#key", Input).value = Fernet.generate_key().decode()
        await pilot.pause()
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "bad-hmac" in widget_text(screen, "#fernet-result")


async def test_demo_shows_anatomy_and_unsafe_mark() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#tabs", TabbedContent).active == "tab-anatomy"
        verdict = widget_text(screen, "#anatomy-verdict")
        assert "UNSAFE" in verdict and "VALID" in verdict
        token = screen.query_one("#token", Input).value.encode()
        assert Fernet(DEMO_KEY).decrypt(token) == b"the secret is: fluffy tail"
        assert "000000  80" in widget_text(screen, "#anatomy-hex")
        checks = widget_text(screen, "#anatomy-checks")
        assert checks.count("✓") == 8
        assert "UNSAFE" in widget_text(screen, "#unsafe")


async def test_tamper_lab_flip_and_wrong_key() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen.query_one("#tamper-index", Input).value = "0"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "unsupported-version" in widget_text(screen, "#tamper-info")
        assert "(version): 0x80 → 0x81" in widget_text(screen, "#tamper-info")
        await pilot.click("#reset")
        screen.query_one("#tamper-index", Input).value = "40"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "bad-hmac" in widget_text(screen, "#tamper-info")
        screen.query_one("#tamper-index", Input).value = "9999"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "outside the token" in widget_text(screen, "#tamper-info")
        await pilot.click("#reset")
        await pilot.pause()
        await pilot.click("#wrong-key")
        await pilot.pause()
        info = widget_text(screen, "#tamper-info")
        assert "WRONG" in info and "bad-hmac" in info


async def test_rotation() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        screen.query_one("#tabs", TabbedContent).active = "tab-rotation"
        await pilot.pause()
        await pilot.click("#rotate")  # no keys yet: say how to start, not just "needs at least one key"
        await pilot.pause()
        assert "Add a new key on top" in widget_text(screen, "#rotate-result")
        await pilot.click("#rotate-add")
        await pilot.pause()
        keys = screen.query_one("#rotate-keys", TextArea).text.splitlines()
        assert len(keys) == 2 and keys[1] == DEMO_KEY
        await pilot.click("#rotate")
        await pilot.pause()
        result = widget_text(screen, "#rotate-result")
        assert "Opened with key 2" in result
        new_token = next(line for line in result.splitlines() if line.startswith("gAAAAA"))
        assert Fernet(keys[0]).decrypt(new_token.encode()) == b"the secret is: fluffy tail"


async def test_bad_input_never_crashes() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        screen.query_one("#key", Input).value = "not a key"
        await wait_for_text(pilot, screen, "#key-info", "not url-safe base64")
        screen.query_one("#key", Input).value = "aGVsbG8="
        await wait_for_text(pilot, screen, "#key-info", "5 bytes")
        await pilot.press("ctrl+n")
        await wait_for_text(pilot, screen, "#fernet-result", "no valid key")
        screen.query_one("#key", Input).value = DEMO_KEY
        screen.query_one("#token", Input).value = "%%%% not base64 %%%%"
        await wait_for_text(pilot, screen, "#anatomy-verdict", "malformed")
        screen.query_one("#ttl", Input).value = "60"
        screen.query_one("#fixed", type(screen.query_one("#fixed"))).value = True  # type: ignore[attr-defined]
        screen.query_one("#iv", Input).value = "zz"
        await wait_until(pilot, lambda: screen.key is not None, "the demo key read")
        await pilot.press("ctrl+n")
        await wait_for_text(pilot, screen, "#fernet-result", "not hex")
        big = caesar.encrypt("the cat sat on the mat and then it ran away " * 30_000, 5)
        screen.query_one("#caesar-input", TextArea).text = big
        screen.query_one("#crack-input", TextArea).text = big
        await wait_for_text(pilot, screen, "#caesar-output", "showing the first")
        await wait_for_text(pilot, screen, "#crack-summary", "Best shift: 5")
        assert app.screen is screen


async def test_huge_paste_is_refused_with_a_message() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        screen.query_one("#token", Input).value = "gAAAAA" + "A" * (65 * 1024 * 1024)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "at most 64 MiB" in widget_text(screen, "#fernet-result")
        screen.query_one("#token", Input).value = ""
        await pilot.pause()
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "VALID" in widget_text(screen, "#anatomy-verdict")


async def test_binary_plaintext_is_shown_as_hex() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        screen.query_one("#key", Input).value = DEMO_KEY
        token = Fernet(DEMO_KEY).encrypt(b"\xff\x00\xfe binary")
        screen.query_one("#token", Input).value = token.decode()
        await pilot.pause()
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = widget_text(screen, "#fernet-result")
        assert "not UTF-8" in result and "ff 00 fe" in result
        assert "not UTF-8" in widget_text(screen, "#anatomy-plain")


async def test_small_terminal_stacks_the_anatomy_and_keeps_every_field_on_screen() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "symmetric")
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        hex_map = screen.query_one("#anatomy-hex", Static)
        fields = screen.query_one("#anatomy-fields", Static)
        assert fields.region.y >= hex_map.region.bottom  # below the hex map, not squeezed beside it
        assert fields.region.width >= 70 and "0x80 (Fernet v1)" in widget_text(screen, "#anatomy-fields")
        screen.query_one("#tabs", TabbedContent).active = "tab-fernet"
        await pilot.pause()
        for widget_id in ("fixed", "iv", "at", "ttl"):
            widget = screen.query_one(f"#{widget_id}")
            assert widget.region.right <= 80, widget_id  # not pushed off the right edge
            assert widget.size.width >= 16, widget_id
