"""The seats of a live show: the call queue and caller cards (producer), the on-air order and
chat (host), the officials' screen, the clerk's record of answers and commitments, the public
web channel, the block list, the session summary, and the real-time rooms that keep every seat
of a session in step. It also receives the line server's events over the documented protocol."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The seats' pages, API and namespace, the web channel, the summary page, the line server's
    namespace, the demo CLI; and the plan keeps the rows the show's calls refer to."""
    from console import references
    from console.api import bp as api_bp
    from console.demo import demo_cli
    from console.realtime import SeatNamespace
    from console.summary_page import bp as summary_bp
    from console.telephony_link import LineServerNamespace
    from console.views import bp as views_bp
    from console.webchannel import bp as webchannel_bp
    from core.extensions import socketio
    from telephony.protocol import NAMESPACE

    references.connect()
    for blueprint in (views_bp, api_bp, webchannel_bp, summary_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(demo_cli)
    socketio.on_namespace(SeatNamespace("/"))
    socketio.on_namespace(LineServerNamespace(NAMESPACE))
