"""tlsexplorer: learn and work with cryptography and TLS from a terminal.

This module holds the version only and imports nothing heavy, so that
``import tlsexplorer`` stays cheap for the CLI and for tests.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
