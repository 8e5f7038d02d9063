"""Home's cards, drawn by one widget: where each card goes, and how it looks as the focus, the mouse
and the theme change."""

from __future__ import annotations

import itertools

import pytest
from rich.color import Color as RichColor
from textual.color import Color

from tests.tui.conftest import shown_on_screen
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.explorers import EXPLORERS, Explorer
from tlsexplorer.tui.widgets.card_deck import MIN_HEIGHT, CardDeck, card_columns, deck_layout


def explorer(name: str, *, wide: bool = False, words: int = 3) -> Explorer:
    return Explorer(name, name.title(), "f2", " ".join(["word"] * words), "act", "x:Y", wide=wide)


@pytest.mark.parametrize("width", [20, 69, 70, 105, 106, 116, 200])
def test_cards_fill_the_width_in_columns_with_gutters_and_never_overlap(width: int) -> None:
    items = [explorer(f"e{i}", words=4 + 7 * i) for i in range(7)]
    layout = deck_layout(items, width)
    columns = card_columns(width)
    assert layout.columns == columns
    first_row = [layout.boxes[i].region for i in layout.rows[0]]
    assert len(first_row) == columns
    # The row spans the deck exactly: the cards and a 2-column gutter between each two.
    assert first_row[0].x == 0 and first_row[-1].right == width
    assert all(b.x - a.right == 2 for a, b in itertools.pairwise(first_row))
    assert max(r.width for r in first_row) - min(r.width for r in first_row) <= 1
    regions = [box.region for box in layout.boxes]
    assert not any(a.overlaps(b) for i, a in enumerate(regions) for b in regions[i + 1 :])
    assert layout.height == max(r.bottom for r in regions)
    for box in layout.boxes:
        # Every line of text fits inside the border and its padding; the card holds all its lines.
        assert all(line.cell_length <= box.region.width - 4 for line in box.lines)
        assert box.region.height >= len(box.lines) + 2


def test_a_row_is_as_tall_as_its_tallest_card_and_a_wide_card_takes_a_row_of_its_own() -> None:
    items = [explorer("a"), explorer("long", words=80), explorer("c"), explorer("lone")]
    items.append(explorer("wide", wide=True))
    layout = deck_layout(items, 116)  # three columns
    a, long, c, lone, wide = layout.boxes
    assert layout.rows == ((0, 1, 2), (3,), (4,))
    assert a.region.height == long.region.height == c.region.height == len(long.lines) + 2 > MIN_HEIGHT
    assert lone.region.y == long.region.bottom + 1 and lone.region.height == MIN_HEIGHT
    # After a partly filled row the wide card starts a row of its own: across the deck, one line of
    # text tall (no minimum height), its text on one line.
    assert wide.region.y == lone.region.bottom + 1
    assert (wide.region.x, wide.region.width, wide.region.height) == (0, 116, 3)
    assert [line.plain for line in wide.lines] == ["word word word act"]


def test_moving_down_keeps_the_column_and_lands_on_a_wide_card_below() -> None:
    items = [explorer(f"e{i}") for i in range(5)] + [explorer("wide", wide=True)]
    layout = deck_layout(items, 116)  # rows: 0 1 2 / 3 4 / wide
    column_of = {i: layout.boxes[i].region.x for i in range(5)}
    assert layout.below(0, 1, column_of[0]) == 3
    assert layout.below(2, 1, column_of[2]) == 4  # a shorter row: its card nearest on the left
    assert layout.below(4, 1, column_of[4]) == 5
    assert layout.below(5, -1, column_of[1]) == 4
    assert layout.below(5, 1, column_of[1]) is None and layout.below(0, -1, 0) is None


def border_colour(app: TlsExplorerApp, deck: CardDeck, index: int) -> RichColor | None:
    region = deck.card_region(index)
    strip = app.screen._compositor.render_strips()[region.y + 1]
    x = 0
    for segment in strip:
        if x == region.x:
            assert segment.text[0] in "│┃", segment
            return segment.style.color if segment.style else None
        x += len(segment.text)
    raise AssertionError(f"no segment starts at the card's edge, column {region.x}")


async def test_the_selected_card_shows_only_while_the_cards_have_the_focus_and_hover_raises_a_card() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        assert shown_on_screen(app, deck.card_region(0))[0].startswith("┏━")
        assert shown_on_screen(app, deck.card_region(1))[0].startswith("╭─")
        accent = Color.parse(app.theme_variables["accent"]).rich_color
        primary = Color.parse(app.theme_variables["primary"]).rich_color
        assert border_colour(app, deck, 0) == accent and border_colour(app, deck, 1) == primary
        # Not focused, no card looks selected.
        app.set_focus(None)
        await pilot.pause()
        assert shown_on_screen(app, deck.card_region(0))[0].startswith("╭─")
        assert border_colour(app, deck, 0) == primary
        # The mouse over a card raises its background, and leaving puts it back.
        region = deck.card_region(2)
        plain = app.screen.get_style_at(region.x + 3, region.y + 2).bgcolor
        await pilot.hover(offset=(region.x + 3, region.y + 2))
        await pilot.pause()
        assert deck.hovered == 2
        assert app.screen.get_style_at(region.x + 3, region.y + 2).bgcolor != plain
        await pilot.hover(offset=(0, 0))
        await pilot.pause()
        assert deck.hovered is None
        assert app.screen.get_style_at(region.x + 3, region.y + 2).bgcolor == plain


async def test_a_theme_change_redraws_the_cards_in_its_colours() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        before = border_colour(app, deck, 1)
        app.theme = "textual-light"
        await pilot.pause()
        primary = Color.parse(app.theme_variables["primary"]).rich_color
        assert border_colour(app, deck, 1) == primary != before


async def test_the_cards_follow_a_resize() -> None:
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        deck = app.screen.query_one(CardDeck)
        assert deck.deck.columns == 3
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert deck.deck.columns == 2
        # Every card in view is drawn whole at the new width, its right edge where its region ends.
        home = app.screen.query_one("#home")
        shown = [i for i in range(len(EXPLORERS)) if home.region.contains_region(deck.card_region(i))]
        assert len(shown) >= 2
        for index in shown:
            lines = shown_on_screen(app, deck.card_region(index))
            assert f" {EXPLORERS[index].title} " in lines[0]
            assert lines[0][-1] in "╮┓" and lines[-1][-1] in "╯┛"
