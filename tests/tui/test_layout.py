"""What must be on screen at 80x24 and 120x40: nothing cut, nothing hidden."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui.conftest import open_explorer
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS


@pytest.mark.parametrize("item", EXPLORERS, ids=[e.id for e in EXPLORERS])
async def test_the_footer_shows_help_and_quit_at_80_columns(item: object) -> None:
    from tlsexplorer.tui.explorers import Explorer

    assert isinstance(item, Explorer)
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_explorer(pilot, item.id)  # type: ignore[call-overload]
        keys = {key.key: key for key in screen.query(FooterKey)}
        for key in ("f1", "ctrl+q"):
            assert key in keys, f"{item.id}: no {key} in the footer"
            region = keys[key].region
            assert region.width > 0 and region.right <= 80, f"{item.id}: {key} is off screen at {region}"
            for x in range(region.x, region.right):
                on_top, _ = screen.get_widget_at(x, region.y)
                assert on_top is keys[key], f"{item.id}: {key} is under {on_top!r} at column {x}"


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
