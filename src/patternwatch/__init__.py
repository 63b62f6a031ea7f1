"""Patternwatch: see stalking as the pattern it is, and act on it."""

__version__ = "0.1.0"
