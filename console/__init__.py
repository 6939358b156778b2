"""The seats of a live show: the call queue and caller cards (producer), the on-air order and
chat (host), the officials' screen, the clerk's record of answers and commitments, the public
web channel, the block list, the session summary, and the real-time rooms that keep every seat
of a session in step. It also receives the line server's events over the documented protocol."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the live show to the parts below it: the plan keeps the rows its calls refer to."""
    from console import references

    references.connect()
