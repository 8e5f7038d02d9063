"""``tlsexplorer course``: the course in the TUI, with its coach; the lessons and progress as text."""

from __future__ import annotations

import argparse
from typing import Any

from tlsexplorer.cli.base import add_json_flag, emit_json, example_epilog, whole_number


def register(subparsers: Any) -> None:
    """Add ``course`` to the CLI."""
    parser = subparsers.add_parser(
        "course",
        help="the course: eight lessons through the explorers, with a coach and checkpoints",
        description=(
            "Open the TUI in course mode: a coach panel beside the explorer each step needs says what "
            "to do, asks you to predict what will happen, checks in the app that you did it, and says "
            "what it meant with the same thing in the CLI and in Python. Progress is saved in the state "
            "folder ($XDG_STATE_HOME/tlsexplorer/course.json). F12 opens and closes the coach."
        ),
        epilog=example_epilog(
            "tlsexplorer course",
            "tlsexplorer course --lesson 3",
            "tlsexplorer course --list --json",
            "tlsexplorer course --reset --list",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lesson", type=whole_number(1), metavar="N",
                        help="start at lesson N (a finished lesson is replayed from its start)")
    parser.add_argument("--reset", action="store_true",
                        help="forget every lesson's progress first (a damaged progress file is kept as "
                        "course.damaged.json)")
    parser.add_argument("--list", action="store_true", help="list the lessons and your progress, no TUI")
    add_json_flag(parser)
    parser.set_defaults(handler=run_course)


def run_course(args: argparse.Namespace) -> int:
    """Reset, list, or open the TUI in course mode."""
    from tlsexplorer.core.course.lesson import load_lessons
    from tlsexplorer.core.course.progress import load_progress, progress_path, reset_progress
    from tlsexplorer.core.course.session import CourseSession
    from tlsexplorer.core.errors import UsageError

    if args.json and not args.list:
        raise UsageError("--json goes with --list (the course itself runs in the TUI)")
    path = progress_path()
    lessons = load_lessons()
    if args.lesson is not None and args.lesson not in {lesson.number for lesson in lessons}:
        raise UsageError(f"there is no lesson {args.lesson}; the lessons are 1 to {len(lessons)}")
    progress = reset_progress(path) if args.reset else load_progress(path)
    if args.reset and not args.list:
        print(f"course progress reset ({path})")
    if args.list:
        statuses = CourseSession(lessons, progress, None).statuses()
        if args.json:
            emit_json({"lessons": [{"number": s.number, "title": s.title, "steps": s.steps, "done": s.done}
                                   for s in statuses]})
        else:
            for s in statuses:
                mark = "✓" if s.done == s.steps else ("…" if s.done else " ")
                print(f"{mark} {s.number}. {s.title}  ({s.done}/{s.steps} steps)")
        return 0
    if args.reset and args.lesson is None:
        return 0
    from tlsexplorer.cli import require_terminal

    require_terminal()
    from tlsexplorer.tui.app import TlsExplorerApp

    app = TlsExplorerApp(course=args.lesson or 0)
    app.run()
    return app.return_code or 0
