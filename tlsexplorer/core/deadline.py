"""One overall deadline for a network exchange, clients and servers alike. Standard library only.

A client (:mod:`tlsexplorer.core.tls.connect` and every prober) asks :meth:`Deadline.left` before
each blocking step. A server (the lab server, the CA's OCSP responder) awaits each read through
:meth:`Deadline.read`, which bounds it by the read timeout *and* by what is left of the deadline,
rather than putting a ``wait_for`` around the whole exchange and another around each read: before
Python 3.12 the inner ``wait_for`` can swallow the outer one's cancellation, and a client trickling
bytes then held its connection past the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class PastDeadline(TimeoutError):
    """The deadline passed (while a read waited, or before it started)."""


class Silent(TimeoutError):
    """The peer sent nothing for the read timeout, with time still left before the deadline."""


class Deadline:
    """One overall deadline: each step asks :meth:`left` for what remains of it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        """The whole budget."""
        self.end = time.monotonic() + seconds
        """When it runs out, on :func:`time.monotonic`'s clock (the event loop's too)."""

    def left(self) -> float:
        """Seconds left.

        Raises:
            TimeoutError: none are left.
        """
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the probe's {self.seconds:g} s ran out")
        return left

    async def read(self, step: Awaitable[T], timeout: float) -> T:
        """``step``'s result (a read), awaited at most ``timeout`` seconds and never past the deadline.

        Raises:
            PastDeadline: the deadline passed first (or already had: ``step`` is then not run).
            Silent: ``timeout`` seconds passed with time still left before the deadline.
        """
        import asyncio  # here: the clients that only ask left() do not load it

        left = self.end - time.monotonic()
        if left <= 0:
            if asyncio.iscoroutine(step):
                step.close()
            raise PastDeadline(f"the {self.seconds:g} s deadline passed")
        try:
            return await asyncio.wait_for(step, min(timeout, left))
        except asyncio.TimeoutError:
            if left <= timeout:
                raise PastDeadline(f"the {self.seconds:g} s deadline passed") from None
            raise Silent(f"nothing came for {timeout:g} s") from None


__all__ = ["Deadline", "PastDeadline", "Silent"]
