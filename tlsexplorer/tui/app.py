"""The Textual app: Home at the bottom of a screen stack, explorers pushed on top.

Navigation is one screen stack everywhere. Home is the default screen; an
explorer's key (shown in the footer), its card on Home or its palette entry
brings that explorer to the top, reusing the same screen instance so its state
survives; Escape pops back one screen. Material sent from one explorer to
another (an issued certificate to the Inspector) goes through
:meth:`TlsExplorerApp.open_explorer` with a payload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tlsexplorer import __version__
from tlsexplorer.tui.explorers import EXPLORERS, explorer, explorer_bindings
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.home import HomeScreen
from tlsexplorer.tui.served import alternative_key, original_key

if TYPE_CHECKING:
    from tlsexplorer.core.course.facts import FactLog
    from tlsexplorer.core.course.session import CourseSession
    from tlsexplorer.tui.widgets.coach import Coach


class TlsExplorerApp(App[int]):
    """tlsexplorer's terminal UI. Constructible with no arguments."""

    TITLE = "tlsexplorer"
    SUB_TITLE = f"cryptography and TLS, hands on · v{__version__}"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", "Help", show=False, key_display="?"),
        Binding("escape", "go_back", "Back", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f12", "coach", "Course coach", show=False, priority=True),
        *explorer_bindings(show=False),
    ]

    def __init__(
        self,
        *,
        now: dt.datetime | None = None,
        open_paths: Sequence[str] = (),
        served: bool | None = None,
        course: int | None = None,
        course_dir: Path | None = None,
    ) -> None:
        """Create the app.

        Args:
            now: a fixed "now" for every time-dependent view (screenshots and
                snapshots pass one); None means the real clock.
            open_paths: files or folders to open in the Inspector at start.
            served: behave as served to a browser (alternative keys, downloads); None means
                "when Textual's web driver runs the app" (``tlsexplorer web``).
            course: start in course mode at this lesson (0: where the learner left off).
            course_dir: the folder of the course's progress file (None: the state folder).
        """
        super().__init__()
        self._fixed_now = now
        self._served = served
        self.open_paths = tuple(open_paths)
        """Paths given on the command line, handed to the Inspector."""
        self._facts: FactLog | None = None
        self.course_start = course
        self.course_dir = course_dir
        self.coach: Coach | None = None
        """The course's coach, while the course runs."""

    def now(self) -> dt.datetime:
        """The current time, or the fixed time given at construction."""
        if self._fixed_now is not None:
            return self._fixed_now
        return dt.datetime.now(dt.timezone.utc)

    @property
    def served(self) -> bool:
        """True when the app runs in a browser tab (``tlsexplorer web``)."""
        return self.is_web if self._served is None else self._served

    def get_key_display(self, binding: Binding) -> str:
        """Footer and help show, when served, the key that stands for one the browser keeps."""
        alternative = alternative_key(binding.key) if self.served else None
        if alternative is not None:
            return super().get_key_display(Binding(alternative, binding.action))
        return super().get_key_display(binding)

    async def on_event(self, event: events.Event) -> None:
        """When served, a key standing for one the browser keeps (alt+k for F1) acts as that key."""
        if isinstance(event, events.Key) and not event.is_forwarded and self.served:
            original = original_key(event.key)
            if original is not None:
                event = events.Key(original, None)
        await super().on_event(event)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        """A download the browser asked for could not be sent."""
        if event.name == "screenshot":  # Textual says so itself
            return
        self.notify(str(event.exception or "the file could not be sent"), title="Download failed",
                    severity="error")

    def get_default_screen(self) -> Screen[None]:
        """Home is the bottom of the stack."""
        return HomeScreen()

    def on_mount(self) -> None:
        """Hand command-line paths to the Inspector, when there is one."""
        if self.open_paths and any(item.id == "inspector" for item in EXPLORERS):
            from tlsexplorer.tui.payloads import OpenFiles

            self.open_explorer("inspector", OpenFiles(tuple(Path(p) for p in self.open_paths)))
        if self.course_start is not None:
            self.start_course(self.course_start or None)

    # The course ---------------------------------------------------------------

    @property
    def facts(self) -> FactLog:
        """What the learner did, recorded by the screens, read by the course's checkpoints (made on
        first use: start-up loads nothing of the course)."""
        if self._facts is None:
            from tlsexplorer.core.course.facts import FactLog

            self._facts = FactLog()
        return self._facts

    def record(self, fact: str, **data: str | int | bool | None) -> None:
        """Keep a fact of what the learner did; the coach (when the course runs) checks it."""
        self.facts.record(fact, **data)

    def start_course(self, lesson: int | None = None) -> None:
        """Start (or move) the course, its coach panel docked beside every explorer."""
        from tlsexplorer.tui.widgets.coach import start_coach

        self.coach = start_coach(self, self.coach, lesson, self.course_dir)

    def course_session(self) -> CourseSession:
        """The running course's session, else one read from the progress file (never written)."""
        from tlsexplorer.tui.widgets.coach import read_session

        return self.coach.session if self.coach is not None else read_session(self.course_dir)

    def action_coach(self) -> None:
        """F12: open or close the coach panel (and give it the focus)."""
        if self.coach is not None:
            self.coach.toggle()
        else:
            self.notify("The course is not running: open it from Home (F10) or run 'tlsexplorer course'.")

    # Navigation -----------------------------------------------------------

    def explorer_screen(self, explorer_id: str) -> ExplorerScreen:
        """The (single) screen instance of an explorer, created on first use."""
        if not self.is_screen_installed(explorer_id):
            screen_class = explorer(explorer_id).load()
            self.install_screen(screen_class(), explorer_id)
        screen = self.get_screen(explorer_id)
        assert isinstance(screen, ExplorerScreen)
        return screen

    def open_explorer(self, explorer_id: str, payload: object = None) -> None:
        """Bring an explorer to the top of the stack and give it ``payload``.

        If the explorer is already in the stack, the screens above it are
        popped; otherwise it is pushed on top of the current screen, so Escape
        returns to where the person came from.
        """
        from tlsexplorer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        screen = self.explorer_screen(explorer_id)
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        else:
            self.push_screen(screen)
        if payload is not None:
            screen.receive(payload)

    def action_open_explorer(self, explorer_id: str) -> None:
        """Key binding target: open an explorer."""
        self.open_explorer(explorer_id)

    def action_go_back(self) -> None:
        """Escape: go back one screen (Home stays)."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        """Show every binding active where help was asked, grouped by where it works."""
        from tlsexplorer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        groups: dict[str, list[tuple[str, str]]] = {"Everywhere": [], "This screen": [], "Focused item": []}
        seen: set[tuple[str, str]] = set()
        for key, active in self.active_bindings.items():
            binding = active.binding
            if binding.system:
                continue
            description = binding.description or binding.tooltip or binding.action.replace("_", " ")
            if binding.action == "command_palette":
                description = "Command palette: every command, the explorers, themes"
            row = (binding.key_display or self.get_key_display(binding) or key, description)
            if row in seen:
                continue
            seen.add(row)
            if active.node is self:
                group = "Everywhere"
            elif active.node is self.screen:
                group = "This screen"
            else:
                group = "Focused item"
            groups[group].append(row)
        title = self.screen.title or self.screen.__class__.__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(str(title), [(g, rows) for g, rows in groups.items() if rows]))

    # Command palette --------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands (themes, keys, quit...) plus one per explorer."""
        yield SystemCommand("Home", "Go back to the Home screen", self.action_home)
        for item in EXPLORERS:
            yield SystemCommand(
                f"Open {item.title}",
                f"{item.concept} ({item.key.upper()})",
                lambda explorer_id=item.id: self.open_explorer(explorer_id),
            )
        yield SystemCommand("Help", "Show every key binding (F1)", self.action_help)
        if self.coach is not None:
            yield SystemCommand("Course coach", "Open or close the coach panel (F12)", self.action_coach)
        # The keys of the screen the palette was opened on (the TLS lab's Probe, Start/stop...).
        title = str(screen.title or "")
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if active.node is not screen or binding.system or not binding.show or not binding.description:
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.get_key_display(binding)
            yield SystemCommand(
                f"{title}: {binding.description}" if title else binding.description,
                f"{binding.tooltip or binding.description}: {key} on this screen",
                partial(screen.run_action, binding.action),
            )
        yield from super().get_system_commands(screen)

    def action_home(self) -> None:
        """Pop every screen above Home."""
        while len(self.screen_stack) > 1:
            self.pop_screen()


__all__ = ["TlsExplorerApp"]
