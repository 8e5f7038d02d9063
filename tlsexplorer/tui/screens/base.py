"""The base class every explorer screen derives from, and the keys and palette entries of its tabs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from tlsexplorer.tui.host import ExplorerHost

NEXT_TAB, PREVIOUS_TAB = "ctrl+pagedown", "ctrl+pageup"
"""The keys that show the next and the previous tab of the tab group holding the focus (else the first)."""
# Not alt+1..alt+9: most terminals send alt+3 as ESC 3, which Textual reads as "£" (macOS's option+3).


@dataclass(frozen=True)
class TabEntry:
    """One tab of a screen: the pane ``pane_id`` of the tab group ``tabs_id``, titled ``title``."""

    tabs_id: str
    pane_id: str
    title: str

    @property
    def description(self) -> str:
        """How help and the palette name the tab."""
        return f"{self.title} tab"


class TabCommands(Provider):
    """The command palette's entries for the tabs of the screen it was opened on."""

    def _commands(self) -> list[tuple[str, str, TabEntry]]:
        screen = self.screen
        if not isinstance(screen, ExplorerScreen):
            return []
        title = str(screen.title or "")
        return [
            (f"{title}: {tab.description}" if title else tab.description,
             f"Show the {tab.title} tab ({NEXT_TAB} and {PREVIOUS_TAB} go through the tabs)", tab)
            for tab in screen.tabs()
        ]

    async def discover(self) -> Hits:
        """Every tab of the screen."""
        for name, help_text, tab in self._commands():
            yield DiscoveryHit(name, partial(self._show, tab), help=help_text)

    async def search(self, query: str) -> Hits:
        """The tabs whose name matches ``query``."""
        matcher = self.matcher(query)
        for name, help_text, tab in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), partial(self._show, tab), help=help_text)

    def _show(self, tab: TabEntry) -> None:
        screen = self.screen
        if isinstance(screen, ExplorerScreen):
            screen.action_show_tab(tab.tabs_id, tab.pane_id)


class ExplorerScreen(Screen[None]):
    """A screen reached from Home, the footer and the palette.

    Subclasses set :attr:`EXPLORER_ID` and may override :meth:`receive` to
    accept material another screen sends them (paths to open, a certificate
    to check). On a screen with tabs, ctrl+pagedown and ctrl+pageup go through
    the tabs (listed in help), and each tab has a palette entry.
    """

    EXPLORER_ID: str = ""
    """The id of this screen's entry in :data:`tlsexplorer.tui.explorers.EXPLORERS`."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {TabCommands}

    @property
    def host(self) -> ExplorerHost:
        """The app, typed: its clock (``now()``) and ``open_explorer(id, payload)``.

        Raises:
            TypeError: the screen runs in an app that is not an explorer host.
        """
        app = self.app
        if not isinstance(app, ExplorerHost):
            raise TypeError(f"{type(self).__name__} needs an app with now() and open_explorer(), "
                            f"not {type(app).__name__}")
        return app

    def receive(self, payload: object) -> None:
        """Accept material sent by another screen (default: ignore it)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed in a way its screen did not handle is said on screen, never lost.

        Screens report what they expect (a ``TlsxError``) where the result would have gone; this
        is the net under everything else, for every worker of every explorer.
        """
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}" if error is not None else "the task failed",
                title="Something went wrong (a bug of ours: please report it)",
                severity="error",
                timeout=15,
            )

    def tabs(self) -> list[TabEntry]:
        """Every tab of the screen, tab groups in the order they were composed."""
        found: list[TabEntry] = []
        for group in self.query(TabbedContent):
            for pane in self._panes(group):
                if group.id and pane.id:
                    found.append(TabEntry(group.id, pane.id, group.get_tab(pane.id).label_text))
        return found

    @staticmethod
    def _panes(group: TabbedContent) -> list[TabPane]:
        return [
            pane for pane in group.query(TabPane)
            if next((node for node in pane.ancestors if isinstance(node, TabbedContent)), None) is group
        ]

    def _on_mount(self, event: Mount) -> None:
        # Priority bindings, so that no text box or scrolling container takes the keys; not in the
        # footer, which keeps its room for the screen's own keys: help (F1) lists them.
        if self.tabs():
            self._bindings.bind(NEXT_TAB, "next_tab(1)", "Next tab", show=False, priority=True)
            self._bindings.bind(PREVIOUS_TAB, "next_tab(-1)", "Previous tab", show=False, priority=True)
            self.refresh_bindings()

    def action_next_tab(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) tab of the group holding the focus, else the first."""
        focused = self.focused
        around = focused.ancestors if focused is not None else []
        group = next((node for node in around if isinstance(node, TabbedContent)), None)
        group = group or self.query(TabbedContent).first()
        panes = [pane.id for pane in self._panes(group) if pane.id]
        if not group.id or not panes:
            return
        index = panes.index(group.active) if group.active in panes else 0
        self.action_show_tab(group.id, panes[(index + step) % len(panes)])

    def action_show_tab(self, tabs_id: str, pane_id: str) -> None:
        """Make ``pane_id`` the active tab of ``tabs_id``; focus moves into it if the old tab had it."""
        group = self.query_one(f"#{tabs_id}", TabbedContent)
        old = group.get_pane(group.active) if group.active else None
        focused = self.focused
        if old is not None and old.id != pane_id and focused is not None and old in focused.ancestors:
            # Focus left in the hidden tab would switch back to it: the tab bar holds it meanwhile.
            group.query_one(Tabs).focus()
            self.call_after_refresh(self._focus_in, group.get_pane(pane_id))
        group.active = pane_id

    def _focus_in(self, pane: TabPane) -> None:
        target = next((widget for widget in self.focus_chain if pane in widget.ancestors), None)
        if target is not None:
            target.focus()
