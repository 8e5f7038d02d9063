"""Rich renderables built from core models, shared by the CLI and the TUI.

Nothing here imports Textual (a test enforces it).
"""
