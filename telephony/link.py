"""The line server's link to the console: a python-socketio client in the ``/telephony``
namespace (docs/api.md, "Line server protocol").

It runs in python-socketio's own threads and never touches pjsua2: commands and offer answers go
to the engine's queue, and the engine's events come back through :meth:`Link.emit`. It reconnects
forever and says ``hello`` with the whole line state on every connect. ``call_ended`` and
``recording`` events are kept until the console acknowledges them and sent again after the next
hello if it has not.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import socketio

from telephony.engine import Engine
from telephony.protocol import NAMESPACE, CallOffered, Command, Event, OfferAnswer
from telephony.settings import Settings

log = logging.getLogger(__name__)
MAX_BACKOFF = 10.0


class Link:
    """The Socket.IO client; thread safe towards the engine (offer, emit)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.unacknowledged: dict[int, tuple[Event, Mapping[str, Any]]] = {}
        self.sequence = itertools.count(1)
        self.lock = threading.Lock()
        self.ready = False  # hello acknowledged on the current connection
        self.stopping = False
        self.sio = socketio.Client(
            reconnection=True,
            reconnection_attempts=0,
            reconnection_delay=0.5,
            reconnection_delay_max=MAX_BACKOFF,
        )
        self.sio.on("connect", self._connected, namespace=NAMESPACE)
        self.sio.on("disconnect", self._disconnected, namespace=NAMESPACE)
        self.sio.on(Event.COMMAND, self._command, namespace=NAMESPACE)

    def start(self) -> None:
        threading.Thread(target=self._first_connect, name="console-link", daemon=True).start()
        threading.Thread(target=self._report_capacity, name="capacity-report", daemon=True).start()

    def stop(self) -> None:
        self.stopping = True
        self.sio.disconnect()

    def _first_connect(self) -> None:
        """python-socketio retries lost connections itself, but not a first one that fails."""
        backoff = 0.5
        while not self.sio.connected:
            try:
                self.sio.connect(
                    self.settings.console_url,
                    namespaces=[NAMESPACE],
                    transports=["websocket"],
                    auth=self._auth,
                    wait_timeout=5,
                )
            except socketio.exceptions.ConnectionError as exc:
                log.info(
                    "console at %s not reachable (%s); retrying in %.1f s",
                    self.settings.console_url,
                    exc,
                    backoff,
                )
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _report_capacity(self) -> None:
        """Recordings fill the disk during a show: the seats hear of it without waiting for the
        next hello."""
        while not self.stopping:
            time.sleep(self.settings.capacity_every)
            if self.ready:
                self._send(Event.CAPACITY, self.engine.capacity_info())

    def _auth(self) -> dict[str, str]:
        return {"secret": self.settings.wait_for_secret()}  # read afresh: the console may have been reset

    # --- console -> line server --------------------------------------------------------------------

    def _connected(self) -> None:
        log.info("connected to the console at %s", self.settings.console_url)
        self.sio.start_background_task(self._hello)

    def _hello(self) -> None:
        hello = self.engine.snapshot()
        try:
            self.sio.emit(Event.HELLO, hello, namespace=NAMESPACE, callback=self._hello_acknowledged)
        except socketio.exceptions.SocketIOError as exc:
            log.warning("hello not sent: %s", exc)

    def _hello_acknowledged(self, *_answer: Any) -> None:
        with self.lock:
            self.ready = True
            pending = list(self.unacknowledged.items())
        for number, (event, data) in pending:
            self._send_acknowledged(number, event, data)

    def _disconnected(self, *_reason: Any) -> None:
        with self.lock:
            self.ready = False
        if not self.stopping:
            log.warning("lost the console; reconnecting")

    def _command(self, command: Command) -> None:
        self.engine.submit("command", command)

    # --- line server -> console (called from the engine's thread) -----------------------------------

    def offer(self, call_id: str, line: str, number: str) -> None:
        """Ask the console whether to take the call; its answer goes to the engine's queue."""

        def answered(answer: OfferAnswer | None = None) -> None:
            self.engine.submit("offer", call_id, answer)

        if not self.ready:
            answered(None)  # no console, no card: the engine answers 480
            return
        data: CallOffered = {"call_id": call_id, "line": line, "caller_number": number}
        try:
            self.sio.emit(Event.CALL_OFFERED, data, namespace=NAMESPACE, callback=answered)
        except socketio.exceptions.SocketIOError:
            answered(None)

    def emit(self, event: Event, data: Mapping[str, Any], replay: bool = False) -> None:
        """Send an event. One that must not be lost (``replay``) is kept until the console
        acknowledges it; line states need no replay, since hello carries them all."""
        if replay:
            number = next(self.sequence)
            with self.lock:
                self.unacknowledged[number] = (event, data)
            self._send_acknowledged(number, event, data)
            return
        if self.ready:
            self._send(event, data)

    def _send_acknowledged(self, number: int, event: Event, data: Mapping[str, Any]) -> None:
        def acknowledged(*_answer: Any) -> None:
            with self.lock:
                self.unacknowledged.pop(number, None)

        if self.ready:
            self._send(event, data, acknowledged)

    def _send(self, event: Event, data: Mapping[str, Any], callback: Any = None) -> None:
        try:
            self.sio.emit(event, data, namespace=NAMESPACE, callback=callback)
        except socketio.exceptions.SocketIOError as exc:
            log.warning("%s not sent: %s", event, exc)
