"""Regenerate screenshots/*.svg: ``python -m tlsexplorer.tui.screenshots``.

Runs the app headless at a fixed size with the built-in samples and a fixed
clock, drives it to each scene of :mod:`tlsexplorer.tui.scenes`, and saves an
SVG per scene. Same input, same picture.

Usage: ``python -m tlsexplorer.tui.screenshots [--out DIR] [NAME ...]``
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from tlsexplorer.tui.scenes import Scene, all_scenes, make_app

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "screenshots"


async def capture(scene: Scene, out: Path) -> Path:
    """Drive a fresh app to ``scene`` and save its SVG in ``out``."""
    app = make_app()
    async with app.run_test(size=scene.size) as pilot:
        await scene.run_before(pilot)
        path = Path(app.save_screenshot(filename=f"{scene.name}.svg", path=str(out)))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Capture every scene (or the named ones) into ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m tlsexplorer.tui.screenshots")
    parser.add_argument("names", nargs="*", help="scene names (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    scenes = all_scenes()
    if args.names:
        known = {s.name for s in scenes}
        unknown = sorted(set(args.names) - known)
        if unknown:
            parser.error(f"unknown scene(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        scenes = [s for s in scenes if s.name in args.names]
    args.out.mkdir(parents=True, exist_ok=True)
    for scene in scenes:
        path = asyncio.run(capture(scene, args.out))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
