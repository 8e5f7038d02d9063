"""The footer: the keys that work where the focus is, drawn by one widget.

Textual's ``Footer`` is a container holding a widget per key, each styled,
laid out and painted on its own, and rebuilt whole each time the screen
reports that its bindings were updated (several times while a screen starts,
and on every focus move). On Home's nine keys that cost about 27 ms of CPU at
start-up, the largest part of what the app spent beyond a bare Textual app
(ARCHITECTURE.md, "Start-up"). This footer draws the same line itself, and
redraws it only when the keys to show have changed.

It shows what Textual's shows: each binding with ``show=True`` active where
the focus is, one key per action, in the screen's order; a disabled key
dimmed; the command palette's key at the right edge behind a thin rule. Help
(F1) and Quit (ctrl+q) sit beside the palette's key, so a narrow terminal that
cannot show every key still shows those two. A click on a key presses it (a
disabled key rings the bell); the mouse over a key raises it and shows its
tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

ALWAYS_SHOWN = ("f1", "ctrl+q")
"""Keys drawn at the right edge of the footer, so no screen width hides them."""

SEPARATOR = "▏"
"""The thin rule before the palette's key (Textual's ``vkey`` border)."""


@dataclass(frozen=True)
class ShownKey:
    """One key as the footer shows it."""

    key: str
    """The key Textual names (``f1``, ``ctrl+q``): what a click presses."""
    key_display: str
    """How the key is written (``f1``, ``^q``; ``alt+k`` for F1 in a browser)."""
    description: str
    """What it does (``Help``)."""
    action: str
    """The action it runs (``app.help``)."""
    enabled: bool
    """False: drawn dimmed, and a click only rings the bell."""
    tooltip: str
    """Shown while the mouse is over it."""
    palette: bool = False
    """The command palette's key (drawn compact, behind :data:`SEPARATOR`)."""


@dataclass(frozen=True)
class FooterKeys:
    """What a footer shows: keys from the left edge; the palette's and :data:`ALWAYS_SHOWN` at the right."""

    left: tuple[ShownKey, ...]
    right: tuple[ShownKey, ...]

    @property
    def all(self) -> tuple[ShownKey, ...]:
        """Every key, left to right."""
        return self.left + self.right


def footer_keys(screen: Screen[Any]) -> FooterKeys:
    """The keys a footer on ``screen`` shows now, as Textual's footer chooses them."""
    app = screen.app
    active = screen.active_bindings
    left: list[ShownKey] = []
    always: list[ShownKey] = []
    actions: set[str] = set()
    for _node, binding, enabled, tooltip in active.values():
        if not binding.show or binding.action in actions:
            continue
        actions.add(binding.action)
        display = app.get_key_display(binding)
        item = ShownKey(binding.key, display, binding.description, binding.action, enabled, tooltip)
        (always if binding.key in ALWAYS_SHOWN else left).append(item)
    right: list[ShownKey] = []
    palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
    if palette is not None:
        _node, binding, enabled, _tooltip = palette
        key, action, description = binding.key, binding.action, binding.description
        display, tooltip = app.get_key_display(binding), binding.tooltip or binding.description
        right.append(ShownKey(key, display, description, action, enabled, tooltip, palette=True))
    always.sort(key=lambda item: ALWAYS_SHOWN.index(item.key))
    return FooterKeys(tuple(left), tuple(right + always))


class KeyFooter(Widget):
    """The keys that work where the focus is, on the screen's last line."""

    ALLOW_SELECT = False

    DEFAULT_CSS: ClassVar[str] = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--item { background: $footer-item-background; }
    KeyFooter > .key-footer--item-hover {
        color: $footer-key-foreground; background: $block-hover-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    KeyFooter > .key-footer--separator { color: $foreground 20%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--item",
        "key-footer--item-hover",
        "key-footer--key",
        "key-footer--description",
        "key-footer--separator",
    }

    hovered: reactive[int | None] = reactive(None)
    """Index (in :attr:`FooterKeys.all`) of the key under the mouse."""

    def __init__(self) -> None:
        super().__init__()
        self._keys: FooterKeys | None = None
        self._spans: list[tuple[int, int, int]] = []
        """(first column, last column + 1, key index) of each key drawn, from the last draw."""
        self._line: tuple[tuple[int, int | None], Strip] | None = None

    @property
    def keys(self) -> FooterKeys:
        """The keys shown (read from the screen the first time they are needed)."""
        if self._keys is None:
            self._keys = footer_keys(self.screen)
        return self._keys

    def drawn(self) -> list[tuple[ShownKey, int, int]]:
        """Each key drawn with its first column and its width, as the last draw placed them."""
        keys = self.keys.all
        return [(keys[index], start, end - start) for start, end, index in self._spans]

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Redraw when the keys to show differ (not while the app has lost the focus, as Textual's)."""
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        keys = footer_keys(screen)
        if keys != self._keys:
            self._keys = keys
            self.hovered = None
            self._line = None
            self.refresh()

    def notify_style_update(self) -> None:
        """A theme or style change redraws the line."""
        super().notify_style_update()
        self._line = None

    def watch_hovered(self) -> None:
        keys = self.keys.all
        self.tooltip = keys[self.hovered].tooltip or None if self.hovered is not None else None
        self.refresh()

    # Drawing ----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if self._line is not None and self._line[0] == (width, self.hovered):
            return self._line[1]
        keys = self.keys
        right = [self._draw(index, item) for index, item in enumerate(keys.right, start=len(keys.left))]
        right_width = sum(drawn_width for _index, _segments, drawn_width in right)
        room = max(width - right_width, 0)
        segments: list[Segment] = []
        spans: list[tuple[int, int, int]] = []
        x = 0
        # Keys from the left edge, the last one cut where the right-hand keys begin (as Textual's
        # footer draws them: a key cut short still tells its key); then a gap.
        for index, item in enumerate(keys.left):
            if x >= room:
                break
            _index, drawn, drawn_width = self._draw(index, item)
            segments.extend(drawn)
            spans.append((x, min(x + drawn_width, room), index))
            x += drawn_width
        segments = list(Strip(segments).crop(0, room).adjust_cell_length(room, self.rich_style))
        x = width - right_width  # negative when even the right-hand keys do not fit
        for index, drawn, drawn_width in right:
            segments.extend(drawn)
            spans.append((x, x + drawn_width, index))
            x += drawn_width
        strip = Strip(segments)
        if right_width > width:
            # Narrower than the right-hand keys: their right end shows, Help and Quit.
            strip = strip.crop(right_width - width, right_width)
        self._spans = spans
        strip = strip.adjust_cell_length(width, self.rich_style)
        self._line = ((width, self.hovered), strip)
        return strip

    def _draw(self, index: int, item: ShownKey) -> tuple[int, list[Segment], int]:
        """One key's segments (key then description, as Textual's footer pads them) and its width."""
        hovered = index == self.hovered
        base = self.get_component_rich_style("key-footer--item-hover" if hovered else "key-footer--item")
        if not item.enabled:
            base += Style(dim=True)
        key_style = base + self.get_component_rich_style("key-footer--key", partial=True)
        description_style = base + self.get_component_rich_style("key-footer--description", partial=True)
        if item.palette:
            # Compact, behind a thin rule: "▏^p palette ".
            separator = self.get_component_rich_style("key-footer--separator")
            segments = [
                Segment(SEPARATOR, separator),
                Segment(item.key_display, key_style),
                Segment(f" {item.description} ", description_style),
            ]
        elif item.description:
            segments = [
                Segment(f" {item.key_display} ", key_style),
                Segment(f"{item.description} ", description_style),
            ]
        else:
            segments = [Segment(item.key_display, key_style)]
        return index, segments, sum(cell_len(segment.text) for segment in segments)

    # The mouse -------------------------------------------------------------

    def _key_at(self, x: int) -> int | None:
        return next((index for start, end, index in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hovered = self._key_at(event.x)

    def on_leave(self, event: events.Leave) -> None:
        self.hovered = None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click presses the key (a disabled one rings the bell), as Textual's footer does."""
        index = self._key_at(event.x)
        if index is None:
            return
        item = self.keys.all[index]
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()


__all__ = ["ALWAYS_SHOWN", "FooterKeys", "KeyFooter", "ShownKey", "footer_keys"]
