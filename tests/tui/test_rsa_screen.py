"""Pilot tests of the RSA screen: walking the Wikipedia example, bad input, traces,
real keys, signatures sent by the Inspector, and key exchange."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Input, Static, TabbedContent

from tests.tui.conftest import open_explorer, widget_text
from tlsexplorer.samples import sample_path
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.payloads import CheckSignature
from tlsexplorer.tui.scenes import settle
from tlsexplorer.tui.screens.rsa import RsaScreen, TraceView


@pytest.fixture(autouse=True)
def quick_factoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2048-bit n is not factored either way; don't wait a second."""
    monkeypatch.setattr(RsaScreen, "factor_budget", 0.05)


async def test_opens_on_the_wikipedia_example_and_walks_the_steps() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        table = screen.query_one("#steps", DataTable)
        assert table.row_count == 15
        assert [str(table.get_cell_at((i, 2))) for i in (0, 1, 2, 3)] == ["61", "53", "3233", "3120"]
        explain = screen.query_one("#explain", Static)
        assert "Step 1 of 15" in widget_text(explain) and "Miller-Rabin" in widget_text(explain)
        for _ in range(6):
            await pilot.press("ctrl+n")
        await pilot.pause()
        shown = widget_text(explain)
        assert "Step 7 of 15" in shown and "d = 2753" in shown and "Extended Euclid" in shown
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        assert "Step 10 of 15" in widget_text(explain) and "c = 2790" in widget_text(explain)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "Step 9 of 15" in widget_text(explain)
        whole = widget_text(screen, "#whole")
        assert "2753" in whole and "Decryption with the CRT" in whole


async def test_bad_input_shows_a_message_and_keeps_running() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        error = screen.query_one("#worked-error", Static)
        cases = [
            ("62", "53", "17", "65", "not prime: it is 2 · 31"),
            ("abc", "53", "17", "65", "not a whole number"),
            ("61", "61", "17", "65", "must differ"),
            ("61", "53", "6", "65", "gcd(e, phi) = 6"),
            ("61", "53", "17", "9999", "not below n = 3233"),
            ("61", "53", "17", "-3", "negative"),
        ]
        for p, q, e, m, message in cases:
            for widget_id, value in (("p", p), ("q", q), ("e", e), ("m", m)):
                screen.query_one(f"#{widget_id}", Input).value = value
            await pilot.click("#compute")
            await settle(pilot)
            assert message in widget_text(error), message
        await pilot.click("#preset-tiny")
        await settle(pilot)
        assert widget_text(error).strip() == ""
        assert screen.book is not None and screen.book.n == 143


async def test_hex_toggle_and_expand() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        await pilot.press("f8")
        await pilot.pause()
        table = screen.query_one("#steps", DataTable)
        assert str(table.get_cell_at((2, 2))) == hex(3233)
        await pilot.press("f8", "f9")
        await pilot.pause()
        assert str(table.get_cell_at((2, 2))) == "3233" and screen.expanded


async def test_trace_tab_walks_bits_with_explanations() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.show_tab("trace-tab")
        await settle(pilot)
        view = screen.query_one(TraceView)
        assert view.trace is not None and len(view.trace.steps) == 12  # d = 2753 has 12 bits
        explain = screen.query_one("#trace-explain", Static)
        assert "Row 1 of 12" in widget_text(explain)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert view.cursor_row == 2 and "Row 3 of 12" in widget_text(explain)
        await pilot.click("#trace-encrypt")
        await settle(pilot)
        assert view.trace is not None and view.trace.result == 2790
        await pilot.press("end")
        await pilot.pause()
        assert "the result is 2790" in widget_text(explain)


async def test_real_key_identities_and_a_virtual_trace() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.show_tab("real")
        await settle(pilot)
        await pilot.click("#sample-root")
        await settle(pilot)
        out = widget_text(screen, "#real-out")
        assert "RSA private key, 2048 bits" in out and "qInv·q = 1 mod p" in out and "✗" not in out
        await pilot.click("#work-key")
        await settle(pilot)
        view = screen.query_one(TraceView)
        assert screen.query_one(TabbedContent).active == "trace-tab"
        assert view.trace is not None and len(view.trace.steps) > 2000
        assert 0 < view.rows_drawn < 200  # only what is on screen was drawn
        assert screen.book is not None and screen.book.bits == 2048
        header = view.render_line(0).text
        assert "squared (mod n)" in header and "value" in header
        first = view.render_line(1).text  # a 617-digit number abbreviated to its column, with its length
        base = view.trace.base
        assert "(617 digits)" in first and str(base)[:8] in first and str(base)[-8:] in first
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        row = view.cursor_row
        assert row > 10 and f"Row {row + 1} of 2048" in widget_text(screen, "#trace-explain")
        await pilot.press("f8")  # hex keeps the cursor where it was
        await pilot.pause()
        assert view.cursor_row == row and f"Row {row + 1} of 2048" in widget_text(
            screen.query_one("#trace-explain", Static)
        )
        step = view.trace.steps[row]
        line = view.render_line(row - int(view.scroll_y) + 1).text
        assert f"{step.position}" in line and "(512 hex)" in line and f"{step.value:x}"[-8:] in line


async def test_check_signature_payload_from_the_inspector() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        payload = CheckSignature(
            sample_path("alice.example.net.pem").read_bytes(),
            sample_path("charlies-intermediate-ca.pem").read_bytes(),
        )
        app.open_explorer("rsa", payload)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RsaScreen)
        assert screen.query_one(TabbedContent).active == "real"
        out = widget_text(screen, "#real-out")
        assert "sha256" in out and "signature valid (by hand)" in out and "00 01" in out
        app.open_explorer("rsa", CheckSignature(b"junk", b"junk"))
        await settle(pilot)
        assert "no certificate" in widget_text(screen, "#real-error")


async def test_key_exchange_tab() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.show_tab("dh-tab")
        await settle(pilot)
        out = screen.query_one("#dh-out", Static)
        assert "✓ equal: 2" in widget_text(out) and "X25519" in widget_text(out)
        screen.query_one("#dh-p", Input).value = "24"
        await pilot.click("#dh-run")
        await settle(pilot)
        assert "not prime" in widget_text(screen, "#dh-error")
        screen.query_one("#dh-p", Input).value = "23"
        screen.query_one("#dh-hybrid", Button).press()
        await settle(pilot)
        assert "attack at dawn" in widget_text(out)


async def test_attacks_tab_runs_on_the_current_numbers() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        out = widget_text(screen, "#attacks-out")
        assert "insecure on purpose" in out and "53 · 61" in out and "gcd(n, n2) = 61" in out


async def test_typing_new_numbers_and_enter_computes() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        assert app.focused is screen.query_one("#steps", DataTable)
        await pilot.press("down", "down")
        await pilot.pause()
        assert "Step 3 of 15" in widget_text(screen, "#explain")
        await pilot.click("#p")
        await pilot.press("end", "backspace", "backspace", "7", "1", "enter")
        await settle(pilot)
        assert screen.book is not None and screen.book.n == 71 * 53
        await pilot.press("ctrl+down")
        await pilot.pause()
        assert "Step 4 of 15" in widget_text(screen, "#explain")


async def test_encrypted_key_asks_for_its_passphrase() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.show_tab("real")
        await settle(pilot)
        screen.query_one("#key-path", Input).value = str(sample_path("charlies-root-ca.key.pem"))
        await pilot.click("#load-key")
        await settle(pilot)
        error = screen.query_one("#real-error", Static)
        assert "encrypted" in widget_text(error) and app.focused is screen.query_one("#key-password", Input)
        await pilot.press(*"secret_password", "enter")
        await settle(pilot)
        assert "RSA private key, 2048 bits" in widget_text(screen, "#real-out")
        assert widget_text(error).strip() == ""
        screen.query_one("#key-path", Input).value = "/no/such/key.pem"
        await pilot.click("#load-key")
        await settle(pilot)
        assert "key.pem" in widget_text(error)


async def test_hex_toggle_reaches_every_tab() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        await pilot.press("f8")
        await settle(pilot)
        assert "0xae6" in widget_text(screen, "#attacks-out")  # c = 2790
        assert "0x17" in widget_text(screen, "#dh-out")  # p = 23
        assert "0xac1" in widget_text(screen, "#whole")  # d = 2753


async def test_small_terminal_keeps_every_button_on_screen_and_fields_are_named() -> None:
    app = TlsExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        assert screen.query_one("#m", Input).border_title == "m"  # a filled-in 65 still says what it is
        for tab, row in (("worked", "#worked-inputs"), ("real", "#key-inputs"), ("real", "#cert-inputs"),
                         ("dh-tab", "#dh-inputs")):
            screen.show_tab(tab)
            await pilot.pause()
            for widget in screen.query_one(row).query("Button, Input"):
                assert widget.region.width >= 8 and widget.region.right <= 80, (row, widget.id)
        screen.show_tab("worked")
        await pilot.pause()
        await pilot.click("#preset-tiny")  # reachable by mouse on a small terminal
        await settle(pilot)
        assert screen.book is not None and screen.book.n == 143


async def test_abbreviated_values_fit_the_steps_table_at_120_columns() -> None:
    """An 18-digit n showed as '99…71 (18 di': the step table was too narrow for its own abbreviations."""
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.query_one("#p", Input).value = "1000000007"
        screen.query_one("#q", Input).value = "998244353"
        screen.query_one("#e", Input).value = ""  # 17 divides q - 1: 65537 is chosen instead
        await pilot.click("#compute")
        await settle(pilot)
        assert screen.book is not None and screen.book.n == 1000000007 * 998244353
        table = screen.query_one("#steps", DataTable)
        cells = [str(table.get_cell_at((row, 2))) for row in range(table.row_count)]
        assert "99…71 (18 digits)" in cells
        # every column is inside the table: nothing hidden past its right edge
        assert table.virtual_size.width <= table.scrollable_content_region.width
        # a real 2048-bit key's numbers ('12…34 (617 digits)'), in decimal and in hex
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        from tlsexplorer.core.rsa.workbook import build_workbook

        key = load_pem_private_key(sample_path("alice.example.net.key.pem").read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        numbers = key.private_numbers()
        screen.show_workbook(build_workbook(numbers.p, numbers.q, 65537, message=65))
        await settle(pilot)
        cells = [str(table.get_cell_at((row, 2))) for row in range(table.row_count)]
        assert any(cell.endswith("(617 digits)") for cell in cells)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.press("f8")
        await settle(pilot)
        assert str(table.get_cell_at((2, 2))).startswith("0x")
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_every_tab_follows_the_switches_by_itself() -> None:
    """F8/F9 change the screen's number style; each tab redraws itself, the Key exchange tab included."""
    from tlsexplorer.tui.screens.rsa import NumberStyle
    from tlsexplorer.tui.screens.rsa_tabs import RsaTab

    p = 2**521 - 1  # a Mersenne prime of 157 digits: abbreviated unless whole numbers are asked for
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.show_tab("dh-tab")
        await settle(pilot)
        screen.query_one("#dh-p", Input).value = str(p)
        await pilot.click("#dh-run")
        await settle(pilot)
        shown = widget_text(screen, "#dh-out")
        assert "(157 digits)" in shown and str(p) not in shown.replace("\n", "").replace(" ", "")
        await pilot.press("f9")
        await pilot.pause()
        assert str(p) in widget_text(screen, "#dh-out").replace("\n", "").replace(" ", "")
        await pilot.press("f8")
        await pilot.pause()
        assert hex(p) in widget_text(screen, "#dh-out").replace("\n", "").replace(" ", "")
        tabs = list(screen.query(RsaTab))
        assert len(tabs) == 6 and all(tab.numbers == NumberStyle("hex", whole=True) for tab in tabs)
        # The tabs follow the style itself, however it is changed: nothing is pushed into them.
        screen.numbers = NumberStyle("dec", whole=False)
        await pilot.pause()
        assert "(157 digits)" in widget_text(screen, "#dh-out")
        assert "2753" in widget_text(screen, "#whole") and "0xac1" not in widget_text(screen, "#whole")
        screen.numbers = NumberStyle("hex")
        await pilot.pause()
        for selector, shown in (("#whole", "0xac1"), ("#attacks-out", "0xae6"), ("#explain", "0x3d"),
                                ("#trace-explain", "0xae6")):
            assert shown in widget_text(screen, selector), selector
        assert str(screen.query_one("#steps", DataTable).get_cell_at((2, 2))) == hex(3233)


async def test_a_real_keys_first_trace_is_cores() -> None:
    """Working a key shows core's decryption trace first, the same the whole workbook has."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from tlsexplorer.core.rsa.workbook import decryption_trace

    key = load_pem_private_key(sample_path("alice.example.net.key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        screen.work_key(numbers.p, numbers.q, 65537)
        await settle(pilot)
        view = screen.query_one(TraceView)
        expected = decryption_trace(numbers.p, numbers.q, 65537, "hello, RSA")
        assert view.trace == expected and screen.book is not None and screen.book.decrypt == expected
