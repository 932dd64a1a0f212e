"""The library's version, the one place it is written."""

__version__ = "0.1.0.dev0"
