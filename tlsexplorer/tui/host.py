"""What an explorer screen may ask of the app: its clock, the way to another explorer, the course,
and whether it is served to a browser.

A Protocol, so screens reach the app through a type without importing
:mod:`tlsexplorer.tui.app` (which imports the screens: that would be a cycle).
:class:`tlsexplorer.tui.app.TlsExplorerApp` is the one implementation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tlsexplorer.core.course.session import CourseSession


@runtime_checkable
class ExplorerHost(Protocol):
    """The app as explorer screens see it."""

    def now(self) -> dt.datetime:
        """The current time (fixed in screenshots and snapshots)."""
        ...

    def open_explorer(self, explorer_id: str, payload: object = None) -> None:
        """Bring an explorer to the top of the stack and hand it ``payload``."""
        ...

    @property
    def served(self) -> bool:
        """True when the app runs in a browser tab (``tlsexplorer web``): files can be downloaded."""

    def record(self, fact: str, **data: str | int | bool | None) -> None:
        """Say what the learner just did (a fact of :data:`tlsexplorer.core.course.facts.FACTS`),
        for the course's checkpoints. Call it on the app's thread."""
        ...

    def start_course(self, lesson: int | None = None) -> None:
        """Start the course with its coach panel (at ``lesson``, else where the learner left off)."""
        ...

    def course_session(self) -> CourseSession:
        """The running course, else the learner's progress read (not written) from its file.

        Raises:
            TlsxError: the progress file is damaged or a lesson file is invalid.
        """
        ...


__all__ = ["ExplorerHost"]
