"""The owner of pjsua2: every pjsua2 call of the line server runs on the thread that runs
:meth:`Engine.run` (library start, calls, ``libHandleEvents``, shutdown).

pjsua2 callbacks only note what happened (:meth:`Engine.note`); the loop then acts on the notes,
on work other threads hand in through :meth:`Engine.submit` (offer answers and commands from the
console link), and on timers. Each caller is a :class:`Caller` on one line; its SIP legs (the
caller, the producer's phone, a transfer target) and the shared studio leg are :class:`Leg`
objects kept only in this module's dicts and dropped once disconnected, so that no Python
reference outlives ``libDestroy``.
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import re
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import pjsua2 as pj

from telephony.media import Bridge, Edge, new_player, new_recorder, wav_seconds
from telephony.protocol import (
    CallEnded,
    Command,
    CommandName,
    CommandResult,
    Event,
    HangupReason,
    Hello,
    LineState,
    LineStatus,
    OfferAnswer,
    OfferRefusal,
    RecordingReport,
    TransferMode,
)
from telephony.settings import Capacity, Settings

log = logging.getLogger(__name__)

OFFER_TIMEOUT = 10.0  # seconds the console may take to answer call_offered
STUDIO_RETRY = 3.0  # seconds between attempts to call the studio bus
SHUTDOWN_GRACE = 2.0  # seconds to let BYEs go out before libDestroy
REMEMBERED_COMMANDS = 2000
NUMBER = re.compile(r"sip:([^@;>]+)@")


class LinkPort(Protocol):
    """What the engine needs from the console link (telephony/link.py)."""

    def offer(self, call_id: str, line: str, number: str) -> None: ...

    def emit(self, event: Event, data: Mapping[str, Any], replay: bool = False) -> None: ...


class Leg(pj.Call):
    """One SIP call. Callbacks only note the change for the owner loop."""

    def __init__(self, engine: Engine, role: str, call_id: str, pj_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(engine.account, pj_id)
        self.engine, self.role, self.call_id = engine, role, call_id
        self.name = f"{role}:{call_id}:{next(engine.leg_numbers)}"  # unique, also across re-dials
        self.state = pj.PJSIP_INV_STATE_NULL
        self.status = 0
        self.audio: pj.AudioMedia | None = None
        self.remote = ""

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        info = self.getInfo()
        self.state, self.status, self.remote = info.state, info.lastStatusCode, info.remoteUri
        self.engine.note(self, "state")

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self.audio = None
        info = self.getInfo()  # keep it alive: the loop below walks a vector inside it
        for media in info.media:
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.audio = self.getAudioMedia(media.index)
        self.engine.note(self, "media")

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        if prm.finalNotify or prm.statusCode >= 300:
            self.status = prm.statusCode
            self.engine.note(self, "refer_failed" if prm.statusCode >= 300 else "referred")
            prm.cont = False


class Account(pj.Account):
    """The line server's SIP identity (registered with the PBX when configured); every incoming
    call arrives here and is handed to the owner loop."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        leg = Leg(self.engine, "caller", uuid.uuid4().hex[:12], prm.callId)
        self.engine.incoming.append(leg)  # held here until the loop takes it

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        # The station's staff read this when calls from the trunk do not arrive.
        log.info("registration with %s: %d %s", self.engine.settings.registrar, prm.code, prm.reason)


@dataclass
class Caller:
    """A listener's call on one of the lines."""

    call_id: str
    line: str
    number: str
    leg: Leg
    state: LineState = LineState.RINGING
    card_id: int | None = None
    offered_at: float = field(default_factory=time.monotonic)
    answer_at: float = 0.0  # when to answer, once the console has taken the call
    greeting_until: float = 0.0
    greeting: pj.AudioMediaPlayer | None = None
    producer: Leg | None = None
    target: Leg | None = None
    transfer_target: str = ""
    recorder: pj.AudioMediaRecorder | None = None
    recording: dict[str, Any] = field(default_factory=dict)
    end_reason: HangupReason | None = None
    known: bool = False  # the console has a card for it


class Engine:
    """The lines and everything on them; all methods but :meth:`submit` and :meth:`snapshot` run
    on the owner thread."""

    def __init__(self, settings: Settings, capacity: Capacity) -> None:
        self.settings, self.capacity = settings, capacity
        self.lines = [f"L{n}" for n in range(1, min(settings.lines, capacity.max_calls) + 1)]
        self.link: LinkPort | None = None
        self.inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.incoming: list[Leg] = []
        self.notes: list[tuple[Leg, str]] = []
        self.callers: dict[str, Caller] = {}
        self.legs: dict[str, Leg] = {}  # every live leg by name; all references go when it ends
        self.results: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.bridge = Bridge()
        self.studio: Leg | None = None
        self.leg_numbers = itertools.count(1)
        self.studio_retry_at = 0.0
        self.stopping = threading.Event()
        self.view_lock = threading.Lock()
        self.view: dict[str, dict[str, Any]] = {name: _idle(name) for name in self.lines}
        self.greeting_seconds = wav_seconds(settings.greeting_wav)
        self.worst_loop = 0.0
        self.endpoint = pj.Endpoint()
        self.account: Account | None = None
        self.hold: pj.AudioMediaPlayer | None = None

    # --- other threads ------------------------------------------------------------------------

    def submit(self, *work: Any) -> None:
        """Hand work to the owner thread (thread safe)."""
        self.inbox.put(work)

    def snapshot(self) -> Hello:
        """The ``hello`` payload: every line, every call, the capacity (thread safe)."""
        with self.view_lock:
            lines = [dict(line) for line in self.view.values()]
        calls = [
            {
                "call_id": line["call_id"],
                "line": line["name"],
                "caller_number": line["number"],
                "state": line["state"],
            }
            for line in lines
            if "call_id" in line
        ]
        for line in lines:
            line.pop("number", None)
        return {"lines": lines, "calls": calls, "capacity": self.capacity_info()}

    def capacity_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"max_calls": len(self.lines), "build": self.capacity.build}
        if self.capacity.warning:
            info["warning"] = self.capacity.warning
        free = shutil.disk_usage(self.settings.recordings).free
        info["disk_free_bytes"] = free
        if free < self.settings.min_free_disk_mb * 1024 * 1024:
            info["disk_warning"] = (
                f"only {free // (1024 * 1024)} MB free for recordings in {self.settings.recordings}"
            )
            log.warning("disk: %s", info["disk_warning"])
        return info

    # --- start, loop, stop (owner thread) -------------------------------------------------------

    def start(self) -> None:
        s = self.settings
        s.recordings.mkdir(parents=True, exist_ok=True)
        ep = self.endpoint
        ep.libCreate()
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        # maxCalls stays at its default, the compiled PJSUA_MAX_CALLS: the listeners' lines plus
        # the slots build_pjsua2.sh adds for producer, studio and transfer legs.
        config.uaConfig.userAgent = "hotline-line-server"
        config.logConfig.consoleLevel = config.logConfig.level = s.sip_log_level
        config.medConfig.noVad = True  # steady RTP, also during silence
        config.medConfig.ecTailLen = 0
        config.medConfig.clockRate = 8000
        config.medConfig.sndClockRate = 8000
        ep.libInit(config)
        transport = pj.TransportConfig()
        transport.port = s.port
        transport.boundAddress = s.bind
        transport.publicAddress = s.public_address
        ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, transport)
        ep.libStart()
        ep.audDevManager().setNullDev()
        self.account = Account(self)
        self.account.create(self._account_config(), True)
        self.hold = new_player(s.hold_wav, loop=True)
        self.bridge.add("hold", self.hold)
        log.info(
            "SIP on %s:%d (UDP, TCP), %d lines, RTP from %d", s.bind, s.port, len(self.lines), s.rtp_port
        )

    def _account_config(self) -> pj.AccountConfig:
        s = self.settings
        config = pj.AccountConfig()
        host = s.public_address or s.bind
        if s.registrar:
            domain = s.registrar.split(":", 1)[-1].split(";")[0]
            config.idUri = f"sip:{s.user}@{domain}"
            config.regConfig.registrarUri = s.registrar
            config.sipConfig.authCreds.append(pj.AuthCredInfo("digest", s.realm, s.user, 0, s.password))
        else:
            config.idUri = f"sip:hotline@{host}:{s.port}"
        media = config.mediaConfig.transportConfig
        media.port, media.portRange = s.rtp_port, s.rtp_port_range
        media.boundAddress, media.publicAddress = s.bind, s.public_address
        return config

    def run(self) -> None:
        """The owner loop, until :attr:`stopping` is set (SIGTERM/SIGINT)."""
        while not self.stopping.is_set():
            began = time.monotonic()
            self.endpoint.libHandleEvents(10)
            self._take_incoming()
            self._take_notes()
            self._take_inbox()
            self._tick()
            self._wire()
            self.worst_loop = max(self.worst_loop, time.monotonic() - began)

    def shutdown(self) -> None:
        """Hang up every call, close recorders and players, shut the account down, then
        ``libDestroy``: no pjsua2 object may outlive the library."""
        self._hang_up_everything()
        self.legs.clear()
        self.notes.clear()
        self.incoming.clear()
        self.studio = None
        self.bridge = Bridge()
        self.hold = None
        if self.account is not None:
            self.account.shutdown()
            self.account = None
        gc.collect()  # a Call still referenced after libDestroy would abort the process
        self.endpoint.libDestroy()
        log.info("pjsua2 shut down")

    def _hang_up_everything(self) -> None:
        for caller in list(self.callers.values()):
            caller.end_reason = caller.end_reason or HangupReason.SHUTDOWN
        self.endpoint.hangupAllCalls()
        deadline = time.monotonic() + SHUTDOWN_GRACE
        while self.legs and time.monotonic() < deadline:
            self.endpoint.libHandleEvents(20)
            self._take_incoming()
            self._take_notes()
        for caller in list(self.callers.values()):
            self._finish(caller)

    # --- notes from callbacks --------------------------------------------------------------------

    def note(self, leg: Leg, what: str) -> None:
        self.notes.append((leg, what))

    def _take_incoming(self) -> None:
        while self.incoming:
            self._incoming(self.incoming.pop(0))

    def _incoming(self, leg: Leg) -> None:
        info = leg.getInfo()
        match = NUMBER.search(info.remoteUri)
        number = match.group(1) if match else ""
        busy = {c.line for c in self.callers.values()}
        free = [line for line in self.lines if line not in busy]
        self.legs[leg.name] = leg
        if not free:
            log.info("lines full: 486 to %s", number)
            self._answer(leg, 486)
            return
        caller = Caller(leg.call_id, free[0], number, leg)
        self.callers[caller.call_id] = caller
        self._answer(leg, 180)
        self._set_state(caller, LineState.RINGING)
        if self.link is None:
            self._reject(caller, 480)
        else:
            self.link.offer(caller.call_id, caller.line, number)

    def _take_notes(self) -> None:
        notes, self.notes = self.notes, []
        for leg, what in notes:
            if what == "state" and leg.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                self._leg_gone(leg)
            elif what == "media" and leg.audio is not None:
                self.bridge.add(leg.name, leg.audio)
            elif what == "media":  # no active audio any more (e.g. put on hold by the far end)
                self.bridge.remove(leg.name)
            elif what == "refer_failed":
                self._refer_failed(leg)
            elif what == "referred" and leg.call_id in self.callers:
                self.callers[leg.call_id].end_reason = HangupReason.TRANSFERRED
                self._hangup(leg)

    def _leg_gone(self, leg: Leg) -> None:
        self.legs.pop(leg.name, None)
        self.bridge.remove(leg.name)
        caller = self.callers.get(leg.call_id)
        if leg is self.studio:
            self.studio, self.studio_retry_at = None, time.monotonic() + STUDIO_RETRY
            log.warning("studio leg ended (%s)", leg.status)
        elif caller is None:
            return
        elif leg is caller.leg:
            if not caller.end_reason:
                caller.end_reason = (
                    HangupReason.CANCEL
                    if caller.state == LineState.RINGING and leg.status == 487
                    else HangupReason.CALLER_HANGUP
                )
            self._finish(caller)
        elif leg is caller.producer:
            caller.producer = None
            if caller.state == LineState.WITH_PRODUCER:
                self._set_state(caller, LineState.HELD)  # the producer put the phone down
        elif leg is caller.target:
            caller.target = None

    # --- work from the console ------------------------------------------------------------------

    def _take_inbox(self) -> None:
        while True:
            try:
                work = self.inbox.get_nowait()
            except queue.Empty:
                return
            if work[0] == "offer":
                self._offer_answered(work[1], work[2])
            elif work[0] == "command":
                self._command(work[1])

    def _offer_answered(self, call_id: str, answer: OfferAnswer | None) -> None:
        caller = self.callers.get(call_id)
        if caller is None or caller.state != LineState.RINGING:
            return
        if not answer or not answer.get("accept"):
            reason = (answer or {}).get("reason")
            self._reject(caller, 603 if reason == OfferRefusal.BLOCKED else 480)
            return
        caller.card_id, caller.known = answer.get("card_id"), True
        caller.answer_at = caller.offered_at + self.settings.ring_seconds

    def _answer_caller(self, caller: Caller) -> None:
        """200 OK, then the greeting (hold audio follows when it ends)."""
        self._answer(caller.leg, 200)
        try:
            caller.greeting = new_player(self.settings.greeting_wav, loop=False)
            self.bridge.add(f"greeting:{caller.call_id}", caller.greeting)
            caller.greeting_until = time.monotonic() + self.greeting_seconds
            self._set_state(caller, LineState.GREETING)
        except pj.Error as exc:
            log.warning("no greeting for %s: %s", caller.call_id, exc.info())
            self._set_state(caller, LineState.WAITING)

    def _command(self, command: Command) -> None:
        command_id = str(command.get("id", ""))
        result = self.results.get(command_id)
        if result is None:
            result: CommandResult = {"id": command_id, **self._carry_out(command)}
            self.results[command_id] = result
            while len(self.results) > REMEMBERED_COMMANDS:
                self.results.popitem(last=False)
        if self.link is not None:
            self.link.emit(Event.COMMAND_RESULT, result)

    def _carry_out(self, command: Command) -> dict[str, Any]:
        name, args = command.get("name"), command.get("args") or {}
        caller = self.callers.get(str(command.get("call_id")))
        if caller is None or caller.end_reason or not caller.known:
            log.info("command %s for %s: no such call", name, command.get("call_id"))
            return {"ok": False, "error": "no such call"}
        if caller.state == LineState.RINGING:  # the producer was quicker than the ring: answer now
            self._answer_caller(caller)
        handlers: dict[str, Callable[[Caller, dict[str, Any]], str | None]] = {
            CommandName.PICK_UP: self._pick_up,
            CommandName.HOLD: lambda c, _a: self._back_to_hold(c, LineState.HELD),
            CommandName.READY: lambda c, _a: self._back_to_hold(c, LineState.READY),
            CommandName.TO_AIR: self._to_air,
            CommandName.DROP: self._drop,
            CommandName.TRANSFER: self._transfer,
        }
        handler = handlers.get(str(name))
        if handler is None:
            return {"ok": False, "error": f"unknown command {name}"}
        error = handler(caller, args)
        log.info("command %s %s: %s", name, caller.call_id, error or "ok")
        return {"ok": False, "error": error} if error else {"ok": True}

    def _pick_up(self, caller: Caller, args: dict[str, Any]) -> str | None:
        """Ring the producer's own phone and bridge it to the caller. Without an extension the
        producer screens from the card alone and the caller keeps hearing hold audio."""
        extension = str(args.get("extension") or "")
        if caller.producer is not None and caller.producer.remote.strip("<>") != extension:
            self._release_producer(caller)
        if extension and caller.producer is None:
            caller.producer = self._dial("producer", caller.call_id, extension)
            if caller.producer is None:
                return f"cannot call {extension}"
        self._set_state(caller, LineState.WITH_PRODUCER)
        return None

    def _release_producer(self, caller: Caller) -> None:
        if caller.producer is not None:
            self._hangup(caller.producer)
            caller.producer = None

    def _back_to_hold(self, caller: Caller, state: LineState) -> None:
        self._release_producer(caller)
        self._set_state(caller, state)

    def _to_air(self, caller: Caller, _args: dict[str, Any]) -> None:
        self._release_producer(caller)
        if caller.state != LineState.ON_AIR:
            self._set_state(caller, LineState.ON_AIR)
            self._start_recording(caller)

    def _drop(self, caller: Caller, _args: dict[str, Any]) -> None:
        caller.end_reason = HangupReason.DROPPED
        self._hangup(caller.leg)

    def _transfer(self, caller: Caller, args: dict[str, Any]) -> str | None:
        target = str(args.get("target") or "")
        if not target:
            return "no transfer target"
        caller.transfer_target = target
        if args.get("mode") != TransferMode.THREE_WAY:
            try:
                caller.leg.xfer(target, pj.CallOpParam(True))
                return None
            except pj.Error as exc:
                log.info("REFER to %s not sent (%s): bridging instead", target, exc.info())
        return self._bridge_to(caller, target)

    def _refer_failed(self, leg: Leg) -> None:
        caller = self.callers.get(leg.call_id)
        if caller is not None and caller.leg is leg and caller.target is None:
            log.info("REFER refused (%d): bridging %s instead", leg.status, caller.call_id)
            self._bridge_to(caller, caller.transfer_target)

    def _bridge_to(self, caller: Caller, target: str) -> str | None:
        if caller.target is not None:
            self._hangup(caller.target)
        caller.target = self._dial("target", caller.call_id, target)
        return None if caller.target is not None else f"cannot call {target}"

    # --- timers, states, media ------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        for caller in list(self.callers.values()):
            if caller.state == LineState.RINGING and caller.answer_at and now >= caller.answer_at:
                self._answer_caller(caller)
            elif (
                caller.state == LineState.RINGING
                and not caller.answer_at
                and now - caller.offered_at > OFFER_TIMEOUT
            ):
                log.warning("the console did not answer the offer of %s in time", caller.call_id)
                self._reject(caller, 480)
            elif caller.state == LineState.GREETING and now >= caller.greeting_until:
                self._set_state(caller, LineState.WAITING)
        on_air = any(c.state == LineState.ON_AIR for c in self.callers.values())
        if on_air and self.studio is None and self.settings.studio_uri and now >= self.studio_retry_at:
            self.studio = self._dial("studio", "bus", self.settings.studio_uri)
            self.studio_retry_at = now + STUDIO_RETRY
        elif not on_air and self.studio is not None:
            self._hangup(self.studio)  # nobody on air: release the studio input
            self.studio = None

    def _wire(self) -> None:
        """Who hears whom, from every caller's state; the bridge applies the difference."""
        wanted: set[Edge] = set()
        air = [c for c in self.callers.values() if c.state == LineState.ON_AIR]
        studio = self.studio.name if self.studio is not None else "studio"
        for caller in self.callers.values():
            me = caller.leg.name
            if caller.target is not None:
                wanted |= _both(me, caller.target.name)
                if caller.producer is not None:
                    wanted |= _both(caller.producer.name, caller.target.name)
            if caller.state == LineState.GREETING:
                wanted.add((f"greeting:{caller.call_id}", me))
            elif caller.state == LineState.WITH_PRODUCER and caller.producer is not None:
                wanted |= _both(me, caller.producer.name)
            elif caller.state == LineState.ON_AIR:
                wanted |= _both(me, studio)
                for other in air:
                    wanted.add((other.leg.name, me))
                    wanted.add((other.leg.name, f"recorder:{caller.call_id}"))
                wanted.add((studio, f"recorder:{caller.call_id}"))
            elif caller.target is None and caller.state != LineState.RINGING:
                wanted.add(("hold", me))
        self.bridge.apply(wanted)

    def _end_greeting(self, caller: Caller) -> None:
        if caller.greeting is not None:
            self.bridge.remove(f"greeting:{caller.call_id}")
            caller.greeting = None

    def _start_recording(self, caller: Caller) -> None:
        started = datetime.now(UTC)
        label = f"card{caller.card_id}" if caller.card_id else caller.call_id
        path = self.settings.recordings / f"{started:%Y%m%d}_{label}_{started:%H%M%S}.wav"
        try:
            caller.recorder = new_recorder(path)
        except pj.Error as exc:
            log.error("cannot record to %s: %s", path, exc.info())
            return
        self.bridge.add(f"recorder:{caller.call_id}", caller.recorder)
        caller.recording = {"call_id": caller.call_id, "file": str(path), "started_at": started.isoformat()}

    def _leave_air(self, caller: Caller) -> None:
        """Close the segment's recorder (the WAV is complete once it is destroyed) and report it."""
        if caller.recorder is None:
            return
        self.bridge.remove(f"recorder:{caller.call_id}")
        caller.recorder = None
        started = datetime.fromisoformat(caller.recording["started_at"])
        seconds = (datetime.now(UTC) - started).total_seconds()
        event: RecordingReport = {**caller.recording, "duration_seconds": round(seconds, 1)}
        caller.recording = {}
        log.info("recorded %s (%.1f s)", event["file"], seconds)
        if self.link is not None:
            self.link.emit(Event.RECORDING, event, replay=True)

    def _finish(self, caller: Caller) -> None:
        """The caller's leg is gone: tidy up its other legs, recorder and line."""
        self._leave_air(caller)
        self._end_greeting(caller)
        for leg in (caller.producer, caller.target):
            if leg is not None:
                self._hangup(leg)
        caller.producer = caller.target = None
        self.callers.pop(caller.call_id, None)
        with self.view_lock:
            self.view[caller.line] = _idle(caller.line)
        if self.link is not None:
            self.link.emit(Event.LINE_STATUS, _idle(caller.line))
            if caller.known:
                ended: CallEnded = {"call_id": caller.call_id, "reason": caller.end_reason}
                self.link.emit(Event.CALL_ENDED, ended, replay=True)
        log.info("call %s on %s ended: %s", caller.call_id, caller.line, caller.end_reason)

    def _set_state(self, caller: Caller, state: LineState) -> None:
        if state != LineState.GREETING:
            self._end_greeting(caller)
        if state != LineState.ON_AIR:
            self._leave_air(caller)
        caller.state = state
        line: LineStatus = {"name": caller.line, "state": state, "call_id": caller.call_id}
        with self.view_lock:
            self.view[caller.line] = {**line, "number": caller.number}
        if self.link is not None:
            self.link.emit(Event.LINE_STATUS, line)

    # --- SIP helpers ----------------------------------------------------------------------------

    def _reject(self, caller: Caller, code: int) -> None:
        log.info("rejecting %s from %s with %d", caller.call_id, caller.number, code)
        caller.end_reason = HangupReason.REJECTED
        self._answer(caller.leg, code)

    def _answer(self, leg: Leg, code: int) -> None:
        prm = pj.CallOpParam()
        prm.statusCode = code
        try:
            if code < 300:
                leg.answer(prm)
            else:
                leg.hangup(prm)
        except pj.Error as exc:
            log.warning("answering %s with %d: %s", leg.name, code, exc.info())

    def _hangup(self, leg: Leg) -> None:
        try:
            leg.hangup(pj.CallOpParam())
        except pj.Error as exc:
            log.debug("hangup %s: %s", leg.name, exc.info())

    def _dial(self, role: str, call_id: str, uri: str) -> Leg | None:
        leg = Leg(self, role, call_id)
        try:
            leg.makeCall(uri, pj.CallOpParam(True))
        except pj.Error as exc:
            log.warning("cannot call %s: %s", uri, exc.info())
            return None
        leg.remote = uri
        self.legs[leg.name] = leg
        return leg


def _both(a: str, b: str) -> set[Edge]:
    return {(a, b), (b, a)}


def _idle(line: str) -> LineStatus:
    return {"name": line, "state": LineState.IDLE}
