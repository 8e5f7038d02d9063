"""Helpers every Pilot test uses: open an explorer, read what a widget shows, wait for workers."""

from __future__ import annotations

import hashlib
import io
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, overload

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from tlsexplorer.core.course.learner import SEED_BYTES, Learner
from tlsexplorer.core.course.progress import Progress, progress_path, save_progress
from tlsexplorer.tui.explorers import explorer
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.ca import CaScreen
from tlsexplorer.tui.screens.chain import ChainScreen
from tlsexplorer.tui.screens.inspector import InspectorScreen
from tlsexplorer.tui.screens.rsa import RsaScreen
from tlsexplorer.tui.screens.symmetric import SymmetricScreen
from tlsexplorer.tui.screens.tls import TlsScreen
from tlsexplorer.tui.widgets.coach import CoachPanel


async def wait_for_workers(pilot: Pilot[Any]) -> None:
    """Wait until every worker has finished and the screen has shown what they sent back."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 60
) -> None:
    """Pause until ``condition()`` holds, or fail saying ``what`` never came.

    For what a message or a worker shows after a change: the change's message may still be
    bubbling up to the screen when ``workers.wait_for_complete()`` is called, and then the worker
    it starts is not waited for (a race a loaded machine loses); a condition is waited for.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        await pilot.pause(0.02)  # not workers.wait_for_complete(): some workers never end (a tree's loader)


async def wait_for_text(
    pilot: Pilot[Any], node: DOMNode, selector: str, text: str, timeout: float = 60
) -> str:
    """Wait until the widget ``selector`` in ``node`` shows ``text``; return what it shows."""
    shown = ""

    def showing() -> bool:
        nonlocal shown
        shown = widget_text(node, selector)
        return text in shown

    try:
        await wait_until(pilot, showing, f"{text!r} in {selector}", timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; it shows {shown!r}") from None
    return shown


@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["symmetric"]) -> SymmetricScreen: ...
@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["rsa"]) -> RsaScreen: ...
@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["inspector"]) -> InspectorScreen: ...
@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["chain"]) -> ChainScreen: ...
@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["ca"]) -> CaScreen: ...
@overload
async def open_explorer(pilot: Pilot[Any], explorer_id: Literal["tls"]) -> TlsScreen: ...
async def open_explorer(pilot: Pilot[Any], explorer_id: str) -> ExplorerScreen:
    """Open an explorer with its key, as a person would, and return its screen once its workers are done."""
    item = explorer(explorer_id)
    await pilot.press(item.key)
    await wait_for_workers(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, item.load()), f"{item.key} opened {screen!r}, not {item.screen}"
    assert isinstance(screen, ExplorerScreen)
    return screen


def widget_text(node: DOMNode, selector: str | None = None, *, width: int = 200) -> str:
    """The plain text a widget shows (``node`` itself, or the widget ``selector`` finds in it).

    Markup is rendered, not returned; rich renderables (tables, groups) are
    printed ``width`` columns wide without colour.
    """
    widget = node.query_one(selector) if selector is not None else node
    assert isinstance(widget, Widget), widget
    if isinstance(widget, Static):
        if isinstance(widget.visual, Content):
            return widget.visual.plain
        content: Any = widget.content
    else:
        content = widget.render()
        if isinstance(content, Content):
            return content.plain
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(content)
    return console.export_text()


def shown_on_screen(app: App[Any], region: Region | None = None) -> list[str]:
    """The lines the terminal shows, as plain text: all of them, or those of ``region`` (screen
    coordinates). For what one widget draws in parts (Home's cards), read where a person reads it."""
    # The compositor is what a terminal is sent; Textual has no public "text of the screen".
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    if region is None:
        return lines
    return [line[region.x : region.right] for line in lines[region.y : region.bottom]]


async def sent_by_ctrl_o_and_ctrl_l(pilot: Pilot[Any]) -> list[tuple[str, object]]:
    """Press ctrl+o then ctrl+l and return what the screen sent where, (explorer id, payload) each,
    without opening the explorers."""
    opened: list[tuple[str, object]] = []

    def record(explorer_id: str, payload: object = None) -> None:
        opened.append((explorer_id, payload))

    pilot.app.open_explorer = record  # type: ignore[attr-defined]
    await pilot.press("ctrl+o")
    await pilot.press("ctrl+l")
    await pilot.pause()
    return opened


# The course: the coach's panel, read and pressed as a learner does ------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the coach's panel rebuild."""
    await wait_for_workers(pilot)
    await pilot.pause()
    await pilot.pause()


def panel(app: App[Any]) -> CoachPanel:
    """The coach's panel on the screen on top."""
    return app.screen.query_one(CoachPanel)


def shown(app: App[Any]) -> str:
    """Everything the coach's panel says, as plain text."""
    return "\n".join(widget_text(s) for s in panel(app).query(Static))


async def press(pilot: Pilot[Any], button_id: str) -> None:
    """Press a button of the screen on top as a person would (Enter on the focused button)."""
    button = pilot.app.screen.query_one(f"#{button_id}", Button)
    button.focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def type_into(pilot: Pilot[Any], selector: str, text: str, *, enter: bool = False) -> None:
    """Move the focus to a field of the screen on top, clear it and type ``text`` key by key
    (then Enter when ``enter``), as a person would."""
    field = pilot.app.screen.query_one(selector)
    assert isinstance(field, Input | TextArea), field
    field.focus()
    await pilot.pause()
    if isinstance(field, TextArea):
        # Line by line: F7 (the TextArea's select all) opens the TLS lab in this app.
        await pilot.press(*["ctrl+shift+k"] * field.document.line_count)
    else:
        await pilot.press("home", "ctrl+k")  # to the start, delete all to the right
    await pilot.press(*text)
    typed = field.text if isinstance(field, TextArea) else field.value
    assert typed == text, f"{selector} shows {typed!r}, not the {text!r} typed"
    if enter:
        await pilot.press("enter")
    await settle(pilot)


async def toggle(pilot: Pilot[Any], selector: str) -> None:
    """Tick or untick a checkbox of the screen on top with the space bar."""
    pilot.app.screen.query_one(selector, Checkbox).focus()
    await pilot.pause()
    await pilot.press("space")
    await pilot.pause()


async def choose(pilot: Pilot[Any], selector: str, option: str) -> None:
    """Open a menu of the screen on top (Enter), type the start of ``option`` and take it (Enter)."""
    menu = pilot.app.screen.query_one(selector, Select)
    menu.focus()
    await pilot.pause()
    await pilot.press("enter", *option, "enter")
    await pilot.pause()
    assert menu.selection is not None and str(menu.selection) != "", f"{selector}: nothing chosen"


async def answer(pilot: Pilot[Any], text: str) -> None:
    """Type an answer into the coach's answer field and press Enter (which checks it)."""
    await type_into(pilot, "#coach-answer", text, enter=True)


async def ask_hint(pilot: Pilot[Any]) -> str:
    """Press the coach's Hint button and return the hint it gave."""
    before = shown(pilot.app).count("Hint ")
    await press(pilot, "coach-hint")
    hints = [line for line in shown(pilot.app).splitlines() if line.startswith("Hint ")]
    assert len(hints) == before + 1, "no new hint"
    return hints[-1].split(": ", 1)[1]


def learner_where(folder: Path, lesson: int, holds: Callable[[Learner], bool] = lambda _: True) -> None:
    """Start the progress in ``folder`` with the same learner every run (a walk is deterministic),
    the first of a fixed series for whom ``holds`` is true: the wrong move a walk tries must be
    possible and wrong for them (with random seeds, lesson 4's was not for one learner in eight)."""
    for counter in itertools.count():
        learner = Learner(hashlib.sha256(f"walk {lesson} {counter}".encode()).digest()[:SEED_BYTES])
        if holds(learner):
            save_progress(progress_path(folder), Progress(learner.seed))
            return


def served_app_keeping_deliveries() -> tuple[Any, list[tuple[bytes, dict[str, Any]]]]:
    """An app served to a browser (at the samples' fixed time) whose downloads are kept, not sent:
    each as (the bytes, the options the web driver was handed)."""
    from tlsexplorer.samples import SAMPLE_NOW
    from tlsexplorer.tui.app import TlsExplorerApp

    delivered: list[tuple[bytes, dict[str, Any]]] = []
    app = TlsExplorerApp(now=SAMPLE_NOW, served=True)

    def deliver_binary(file: Any, **options: Any) -> str:  # what the web driver is handed
        delivered.append((file.read(), options))
        return "key"

    app.deliver_binary = deliver_binary  # type: ignore[method-assign]
    return app, delivered
