"""The Textual front end. Import :mod:`tlsexplorer.tui.app` to get the app."""
