"""What must be on screen at 80x24 and 120x40: nothing cut, nothing hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from tests.tui.conftest import open_explorer, shown_on_screen
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS
from tlsexplorer.tui.widgets.footer import KeyFooter


@pytest.mark.parametrize("item", EXPLORERS, ids=[e.id for e in EXPLORERS])
async def test_the_footer_shows_help_and_quit_at_80_columns(item: object) -> None:
    from tlsexplorer.tui.explorers import Explorer

    assert isinstance(item, Explorer)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, item.id)  # type: ignore[call-overload]
        footer = screen.query_one(KeyFooter)
        keys = {key.key: (key, x, width) for key, x, width in footer.drawn()}
        line = shown_on_screen(pilot.app, footer.region)[0]
        for name in ("f1", "ctrl+q"):
            assert name in keys, f"{item.id}: no {name} in the footer"
            key, x, width = keys[name]
            region = Region(footer.region.x + x, footer.region.y, width, 1)
            assert region.width > 0 and region.right <= 80, f"{item.id}: {name} is off screen at {region}"
            assert line[x : x + width] == f" {key.key_display} {key.description} ", line
            for column in range(region.x, region.right):
                on_top, _ = screen.get_widget_at(column, region.y)
                assert on_top is footer, f"{item.id}: {name} is under {on_top!r} at column {column}"


async def test_rsa_number_fields_show_more_than_five_characters_at_120_columns() -> None:
    from textual.widgets import Input

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "rsa")
        for field in ("p", "q", "e", "m"):
            box = screen.query_one(f"#{field}", Input)
            # 65537 and its cursor, and a little more: a 12-digit prime is read without scrolling
            assert box.content_region.width >= 13, f"{field} shows {box.content_region.width} characters"


async def test_ca_form_labels_have_a_gap_before_their_field() -> None:
    from textual.widgets import Label, Select

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "ca")
        for action in ("intermediate", "server", "root", "csr", "sign", "client"):
            screen.query_one("#action", Select).value = action
            await pilot.pause()
            for label in screen.query(Label):
                if not label.id or not label.id.startswith("label-") or not label.region.width:
                    continue
                text = str(label.render())
                field = screen.query_one(f"#row-{label.id.removeprefix('label-')}").children[1]
                assert label.content_region.x + len(text) < field.region.x, f"{action}: {text!r} touches it"


async def test_ca_result_keeps_words_whole_at_80_columns(tmp_path: object) -> None:
    import re
    from pathlib import Path

    from textual.widgets import Input, Select, Static

    from tests.tui.conftest import wait_for_workers
    from tlsexplorer.render.ca import certificate_rows

    assert isinstance(tmp_path, Path)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "ca")
        screen.query_one("#action", Select).value = "root"
        await pilot.pause()
        screen.query_one("#folder", Input).value = str(tmp_path / "newca")
        screen.query_one("#name", Input).value = "Example Learning Root Certificate Authority"
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot)
        assert screen.last is not None and screen.last[0].certificate is not None
        result = screen.query_one("#result", Static)
        width = result.content_region.width
        shown = [result.render_line(y).text for y in range(result.virtual_size.height)]
        words = {word for line in shown for word in line.split()}
        for field, value in certificate_rows(screen.last[0].certificate):
            for word in f"{field} {value}".split():
                # fingerprints, serials and key identifiers may fold; words and dates may not
                if len(word) > width or re.fullmatch(r"[0-9a-f:]{12,}", word):
                    continue
                assert word in words, f"{word!r} ({field}) is broken at {width} columns:\n" + "\n".join(shown)


async def test_inspector_der_tab_shows_a_tree_and_whole_hex_rows_at_80x24() -> None:
    from textual.widgets import TabbedContent, Tree

    from tlsexplorer.tui.widgets.hexview import HexView
    from tlsexplorer.tui.widgets.virtual_table import VirtualTable

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, "inspector")
        first = next(i for i, row in enumerate(screen.rows) if row.obj is not None and row.obj.der)
        screen.query_one("#insp-objects", VirtualTable).move_cursor(row=first, animate=False)
        screen.query_one("#insp-right", TabbedContent).active = "tab-der"
        await pilot.pause()
        await pilot.pause()
        tree = screen.query_one("#insp-der-tree", Tree)
        assert tree.region.height >= 7, f"the DER tree shows {tree.region.height} lines"
        hexview = screen.query_one("#insp-der-hex", HexView)
        assert hexview.region.height >= 4, f"the hex view shows {hexview.region.height} lines"
        data = screen.rows[first].obj.der  # type: ignore[union-attr]
        line = hexview.render_line(0).text
        per_row = hexview.bytes_per_row
        assert per_row >= 8, f"{per_row} bytes per row"
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in data[:per_row])
        assert all(f"{b:02x}" in line for b in data[:per_row]), line
        width = hexview.region.width
        assert line.rstrip().endswith(ascii_), f"no whole row and ASCII in {width} columns: {line!r}"
        assert hexview.max_scroll_x == 0, "the hex view scrolls sideways"


async def test_tls_scenarios_table_fits_at_120_columns() -> None:
    from textual.widgets import DataTable

    from tlsexplorer.core.tls.scenarios import SCENARIOS, ScenarioResult

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_explorer(pilot, "tls")
        screen.show_tab("tab-scenarios", "#board")
        for scenario in SCENARIOS:  # what the client says is long: the column is cut with an ellipsis
            said = "certificate verify failed: unable to get local issuer certificate (_ssl.c:1000)"
            screen.show_scenario_result(ScenarioResult(scenario, False, said, "why", ()))
        await pilot.pause()
        await pilot.pause()
        board = screen.query_one("#board", DataTable)
        for size in ((120, 40), (100, 30), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            used = sum(column.get_render_width(board) for column in board.columns.values())
            room = board.scrollable_content_region.width
            assert used <= room, f"{size}: the columns take {used} of {room}: the last one is clipped"
            assert board.max_scroll_x == 0
        assert str(board.get_cell(SCENARIOS[0].id, "error")).endswith("…")


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        def linear(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(one), luminance(other)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def cell_colours(screen: object, x: int, y: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(foreground, background) of the cell at (x, y) as the screen draws it."""
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    column = 0
    for segment in screen._compositor.render_strips()[y]:
        if column + len(segment.text) > x:
            style = segment.style
            assert style is not None and style.bgcolor is not None
            back = style.bgcolor.get_truecolor()
            fore = style.color.get_truecolor() if style.color is not None else back
            return (fore.red, fore.green, fore.blue), (back.red, back.green, back.blue)
        column += len(segment.text)
    raise AssertionError(f"no cell at {x}, {y}")


def distance(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """How far apart two colours are (RGB, 0 to 441): a change of hue counts, not only of lightness."""
    return float(sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) ** 0.5)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_focus_on_compact_fields_is_clearly_visible(theme: str) -> None:
    """Focus on a compact Input or Select was a background change from colour 234 to 235."""
    from textual.widgets import Input

    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        fields = (("ca", ("#name", "#action", "#key-type")), ("chain", ("#host", "#depth")))
        for explorer_id, selectors in fields:
            screen = await open_explorer(pilot, explorer_id)  # type: ignore[call-overload]
            for selector in selectors:
                widget = screen.query_one(selector)
                if isinstance(widget, Input):
                    widget.value = "a.test"  # the value must stay readable (placeholders may be faint)
                screen.set_focus(None)
                await pilot.pause()
                x, y = widget.region.right - 1, widget.region.y
                _, blurred = cell_colours(screen, x, y)
                widget.focus()
                await pilot.pause()
                if isinstance(widget, Input):
                    widget.action_end()  # not the selection that focus makes
                    await pilot.pause()
                _, focused = cell_colours(screen, x, y)
                assert distance(blurred, focused) >= 60, f"{explorer_id} {selector}: {blurred} -> {focused}"
                text, background = cell_colours(screen, widget.region.x + 1, y)
                if text != background:  # a blank cell has no text to read
                    ratio = contrast(text, background)
                    assert ratio >= 4.5, f"{explorer_id} {selector}: {text} on {background}"
            screen.dismiss()
            await pilot.pause()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_trust_the_root_in_the_bundle_is_readable(theme: str) -> None:
    """In the light theme the Chain screen's warning checkbox was yellow on a light grey."""
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        screen = await open_explorer(pilot, "chain")
        box = screen.query_one("#bundle-root")
        label = "Trust"
        shown = "".join(screen._compositor.render_strips()[box.region.y].text)
        x = shown.index(label, box.region.x)
        for column in range(x, x + len(label)):
            text, background = cell_colours(screen, column, box.region.y)
            ratio = contrast(text, background)
            assert ratio >= 4.5, f"{shown[column]!r}: {text} on {background} is {ratio:.1f}:1"


@pytest.mark.parametrize("where", ["home", "symmetric"])
async def test_the_coach_panel_leaves_the_footer_whole(where: str, tmp_path: Path) -> None:
    """With the course running, Help and Quit stay in view: the panel docked on Home covered them."""
    app = TlsExplorerApp(now=SAMPLE_NOW, course=2, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while len(app.screen_stack) > 1:
            await pilot.press("escape")
            await pilot.pause()
        if where != "home":
            await open_explorer(pilot, where)  # type: ignore[call-overload]
        screen = app.screen
        assert screen.query("#coach"), "the coach's panel is not on the screen"
        footer = screen.query_one(KeyFooter)
        keys = {key.key: (x, width) for key, x, width in footer.drawn()}
        for name in ("f1", "ctrl+q"):
            x, width = keys[name]
            for column in range(footer.region.x + x, footer.region.x + x + width):
                on_top, _ = screen.get_widget_at(column, footer.region.y)
                assert on_top is footer, f"{where}: {name} is under {on_top!r} at column {column}"
