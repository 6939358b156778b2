"""Fixtures for the line server's tests: the real console (``app.py``) with the demo show live,
the line server (``python -m telephony``) pointing at it, a producer seat as a Socket.IO client,
SIPp callers and phones, and RTP sockets that play ``g711a.pcap`` and count what comes back.

Everything runs on loopback with free ports; SIPp scenarios are templates in ``sipp/`` whose
``$placeholders`` each test fills in.
"""

from __future__ import annotations

import os
import signal
import socket
import string
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.live_server import ROOT, Console, free_port, free_udp_and_tcp_port, start_console

SIPP = "/usr/bin/sipp"
PCAP = Path("/usr/share/sip-tester/g711a.pcap")
SCENARIOS = Path(__file__).resolve().parent / "sipp"
RTP_PAYLOAD_OFFSET = 14 + 20 + 8 + 12  # Ethernet, IPv4, UDP and RTP headers in the pcap
ALAW_SILENCE = {0xD5, 0x55, 0xD4, 0x54}
WAIT = 10.0


def wait_for(what: str, check: Callable[[], Any], timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- RTP ---------------------------------------------------------------------------------------


def pcap_frames() -> list[bytes]:
    """The pcap's PCMA audio, cut into 20 ms frames."""
    data = PCAP.read_bytes()
    audio, offset = bytearray(), 24
    while offset + 16 <= len(data):
        length = struct.unpack_from("<I", data, offset + 8)[0]
        audio += data[offset + 16 + RTP_PAYLOAD_OFFSET : offset + 16 + length]
        offset += 16 + length
    return [bytes(audio[i : i + 160]) for i in range(0, len(audio) - 159, 160)]


class RtpPeer:
    """A loopback RTP endpoint: sends the pcap's PCMA audio (20 ms packets) back to whoever sends
    to it, and counts the packets it gets and how many of them carry sound."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.02)
        self.port = int(self.sock.getsockname()[1])
        self.received = 0
        self.loud = 0
        self.remote: tuple[str, int] | None = None
        self._stop = threading.Event()
        self._frames = pcap_frames()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        seq, next_send = 0, time.monotonic()
        while not self._stop.is_set():
            try:
                packet, self.remote = self.sock.recvfrom(2048)
                self.received += 1
                if any(b not in ALAW_SILENCE for b in packet[12:]):
                    self.loud += 1
            except TimeoutError:
                pass
            except OSError:
                return  # closed
            if self.remote is not None and time.monotonic() >= next_send:
                payload = self._frames[seq % len(self._frames)]
                header = struct.pack("!BBHII", 0x80, 8, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, 0x1234)
                self.sock.sendto(header + payload, self.remote)
                seq, next_send = seq + 1, max(next_send + 0.02, time.monotonic() - 0.1)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)  # before closing: a send on a closed socket would raise
        self.sock.close()


# --- SIPp ----------------------------------------------------------------------------------------


@dataclass
class Sipp:
    process: subprocess.Popen[str]
    rtp: RtpPeer | None
    port: int

    def wait(self, timeout: float = 30.0) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("SIPp did not finish in time") from None

    def output(self) -> str:
        return (self.process.stdout.read() if self.process.stdout else "") or ""


class SippFactory:
    """Starts SIPp processes from the scenario templates and cleans up after the test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: list[Sipp] = []

    def _start(self, scenario: str, args: list[str], with_rtp: bool, **values: Any) -> Sipp:
        rtp = RtpPeer() if with_rtp else None
        text = string.Template((SCENARIOS / f"{scenario}.xml").read_text())
        path = self.workdir / f"{scenario}-{len(self.started)}.xml"
        path.write_text(text.substitute(rtpport=rtp.port if rtp else 9, **values))
        port = free_port(socket.SOCK_DGRAM)
        command = [
            SIPP,
            *args,
            "-sf",
            str(path),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            "1",
            "-mp",
            str(free_port(socket.SOCK_DGRAM)),
            "-cp",  # its control port, 8888 by default: taken if another SIPp runs
            str(free_port(socket.SOCK_DGRAM)),
            "-nostdin",
            "-timeout",
            "90",
            "-timeout_error",
        ]
        process = subprocess.Popen(
            command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        sipp = Sipp(process, rtp, port)
        self.started.append(sipp)
        return sipp

    def call(self, line_port: int, number: str, hold_ms: int = 60000) -> Sipp:
        """A caller with RTP, who hangs up after ``hold_ms`` unless the line server does first."""
        return self._start("caller", [f"127.0.0.1:{line_port}"], True, number=number, hold=hold_ms)

    def refused(self, line_port: int, number: str, code: int) -> Sipp:
        return self._start("refused", [f"127.0.0.1:{line_port}"], False, number=number, code=code)

    def cancel(self, line_port: int, number: str, wait_ms: int) -> Sipp:
        return self._start("cancel", [f"127.0.0.1:{line_port}"], False, number=number, wait=wait_ms)

    def registrar(self) -> Sipp:
        """The station's PBX taking the line server's registration (credentials in registrar.xml)."""
        return self._start("registrar", [], False)

    def phone(self, hold_ms: int = 60000) -> Sipp:
        """A phone the line server calls (producer, studio, duty); ``uri`` is its SIP address."""
        return self._start("phone", [], True, hold=hold_ms)

    def close(self) -> None:
        for sipp in self.started:
            if sipp.process.poll() is None:
                sipp.process.kill()
                sipp.process.wait()
            if sipp.rtp:
                sipp.rtp.close()


def uri(phone: Sipp, user: str = "phone") -> str:
    return f"sip:{user}@127.0.0.1:{phone.port}"


# --- the console and a producer seat --------------------------------------------------------------


@dataclass
class Show:
    console: Console
    producer: requests.Session
    admin: requests.Session

    @property
    def session_id(self) -> int:
        return self.console.session_id

    def call_by_number(self, seat: Seat, number: str) -> dict[str, Any] | None:
        return next((c for c in seat.calls.values() if c.get("caller_number") == number), None)

    def act(self, call_id: int, action: str) -> requests.Response:
        return self.producer.post(f"{self.console.url}/api/calls/{call_id}/{action}", timeout=10)


@pytest.fixture(scope="session")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Show]:
    console = start_console(tmp_path_factory.mktemp("telephony-console"))
    try:
        producer = console.login("producer")
        producer.post(
            f"{console.url}/api/sessions/{console.session_id}/go-live", timeout=10
        ).raise_for_status()
        yield Show(console, producer, console.login("admin"))
    finally:
        console.stop()


@dataclass
class Seat:
    """A producer seat (Socket.IO), as the producer's browser holds it."""

    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    capacity: dict[str, Any] = field(default_factory=dict)
    times: dict[int, float] = field(default_factory=dict)
    line_updates: int = 0

    def on_snapshot(self, data: dict[str, Any]) -> None:
        for call in data.get("calls", []):
            self.calls[call["id"]] = call
        self.lines, self.capacity = data.get("lines", []), data.get("line_capacity") or {}

    def on_call(self, call: dict[str, Any]) -> None:
        self.times.setdefault(call["id"], time.monotonic())
        self.calls[call["id"]] = call

    def on_lines(self, data: dict[str, Any]) -> None:
        self.lines, self.capacity = data["lines"], data.get("line_capacity") or {}
        self.line_updates += 1

    def line_states(self) -> set[str]:
        return {line["state"] for line in self.lines}


@pytest.fixture
def seat(show: Show) -> Iterator[Seat]:
    seat = Seat()
    client = socketio.Client()
    client.on("snapshot", seat.on_snapshot)
    client.on("call", seat.on_call)
    client.on("lines", seat.on_lines)
    cookie = "; ".join(f"{k}={v}" for k, v in show.producer.cookies.items())
    client.connect(
        show.console.url,
        headers={"Cookie": cookie},
        transports=["websocket"],
        auth={"session_id": show.session_id, "seat": "producer"},
        wait_timeout=10,
    )
    yield seat
    client.disconnect()


# --- the line server ------------------------------------------------------------------------------


@dataclass
class LineServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    recordings: Path
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def restart(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "telephony"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_connected(self, seat: Seat, lines: int) -> None:
        def ready() -> bool:
            return (
                "connected to the console" in self.log()
                and len(seat.lines) == lines
                and "down" not in seat.line_states()
            )

        wait_for("the line server's hello", ready, timeout=20)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def line_server_factory(show: Show, seat: Seat, tmp_path: Path) -> Iterator[Callable[..., LineServer]]:
    servers: list[LineServer] = []

    def start(lines: int = 8, studio: str = "", **settings: str) -> LineServer:
        port = free_udp_and_tcp_port()  # the line server listens on both
        rtp = 30000 + (os.getpid() % 50) * 400 + len(servers) * 200
        recordings = show.console.instance / "recordings"  # the console serves recordings from there
        env = {
            **os.environ,
            "HOTLINE_INSTANCE": str(show.console.instance),
            "HOTLINE_CONSOLE_URL": show.console.url,
            "HOTLINE_SIP_PORT": str(port),
            "HOTLINE_SIP_LINES": str(lines),
            "HOTLINE_RTP_PORT": str(rtp),
            "HOTLINE_RTP_PORT_RANGE": "200",
            "HOTLINE_STUDIO_URI": studio,
            "PYTHONUNBUFFERED": "1",
            **{f"HOTLINE_{name}": value for name, value in settings.items()},
        }
        server = LineServer(
            subprocess.Popen(["true"]), port, tmp_path / f"line-server-{len(servers)}.log", recordings, env
        )
        server.restart()
        servers.append(server)
        server.wait_connected(seat, lines)
        return server

    yield start
    for server in servers:
        assert server.stop() == 0, server.log()[-3000:]


@pytest.fixture
def line_server(line_server_factory: Callable[..., LineServer]) -> LineServer:
    return line_server_factory()


@pytest.fixture
def sipp(tmp_path: Path) -> Iterator[SippFactory]:
    factory = SippFactory(tmp_path)
    yield factory
    factory.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.failed and report.when == "call":
        funcargs = getattr(item, "funcargs", {})
        if "tmp_path" in funcargs:
            for log in sorted(Path(funcargs["tmp_path"]).glob("line-server-*.log")):
                report.sections.append((log.name, log.read_text(errors="replace")[-4000:]))
        factory = funcargs.get("sipp")
        if isinstance(factory, SippFactory):
            for number, sipp in enumerate(factory.started):
                if sipp.process.poll() is not None and sipp.process.stderr:
                    report.sections.append(
                        (f"SIPp {number} (exit {sipp.process.returncode})", sipp.process.stderr.read())
                    )
        show = funcargs.get("show")
        if isinstance(show, Show):
            report.sections.append(("console log (tail)", show.console.log_tail()))
    return report
