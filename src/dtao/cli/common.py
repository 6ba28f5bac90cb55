"""Shared pieces of the command line: the consoles and how a value is shown."""

from __future__ import annotations

from rich.console import Console

err = Console(stderr=True)


def console() -> Console:
    """Standard output; 160 columns wide when it is not a terminal (pipes, tests)."""
    out = Console()
    return out if out.is_terminal else Console(width=160)


def show(value: object) -> str:
    """A constant as text: strings as they are, numbers and switches by ``repr``."""
    return value if isinstance(value, str) else repr(value)
