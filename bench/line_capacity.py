"""How many calls one line server holds, what each costs, and how fast a call becomes a card.

Starts the real console (``python app.py``, scratch instance, demo show made live) and the line
server (``python -m telephony``, pjsua2 as installed) on loopback, seats a producer as a Socket.IO
client that notes when each caller's card first arrives, and calls the line server with SIPp
(scenario template ``bench/sipp/caller.xml``):

1. capacity: ``--lines`` callers at once, each held 20 s with RTP both ways (the benchmark's own
   sockets play ``g711a.pcap`` and count what comes back); how many were answered and held, the
   line server's CPU over the hold against its idle CPU measured just before, and one call more,
   which must get 486 Busy Here;
2. churn: ``--churn-calls`` short calls (answered, a second of pcap audio, BYE): failed calls,
   and per call the time from the INVITE to the 200 OK (the baseline) against the time from the
   INVITE to the card on the seat, both on the wall clock SIPp and the seat share;
3. memory: ``--memory-calls`` more short calls, the line server's RSS after every 1,000 and the
   least-squares slope in KB per 1,000 calls.

    .venv/bin/python bench/line_capacity.py [--lines 64] [--churn-calls 1000] [--memory-calls 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import ROOT, Console, free_port, start_console
from tests.telephony.conftest import PCAP, pcap_frames

SIPP = "/usr/bin/sipp"
SCENARIO = ROOT / "bench" / "sipp" / "caller.xml"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FRAME = 0.02  # seconds of audio per RTP packet
HELD_SHARE = 0.8  # a call counts as held with RTP when it got this share of its packets both ways
CHUNK = 1000  # calls between two RSS samples
PCAP_PLAY = f'  <nop><action><exec play_pcap_audio="{PCAP}"/></action></nop>'


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the producer seat -------------------------------------------------------------------------


class SeatWatch:
    """A producer seat noting, per caller number, when the card first arrived (wall clock)."""

    def __init__(self, console: Console) -> None:
        self.cards: dict[str, float] = {}
        self.lines: list[dict[str, Any]] = []
        self.sio = socketio.Client()
        self.sio.on("snapshot", self._on_snapshot)
        self.sio.on("call", self._on_call)
        self.sio.on("lines", lambda data: self._set_lines(data["lines"]))
        http = console.login("producer")
        http.post(f"{console.url}/api/sessions/{console.session_id}/go-live", timeout=10).raise_for_status()
        self.sio.connect(
            console.url,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in http.cookies.items())},
            transports=["websocket"],
            auth={"session_id": console.session_id, "seat": "producer"},
            wait_timeout=10,
        )

    def _on_snapshot(self, data: dict[str, Any]) -> None:
        self._set_lines(data.get("lines", []))

    def _set_lines(self, lines: list[dict[str, Any]]) -> None:
        self.lines = lines

    def _on_call(self, call: dict[str, Any]) -> None:
        self.cards.setdefault(str(call.get("caller_number") or ""), time.time())

    def busy_lines(self) -> int:
        return sum(1 for line in self.lines if line.get("state") not in ("idle", "down"))

    def ready(self, lines: int) -> bool:
        return len(self.lines) == lines and all(line.get("state") == "idle" for line in self.lines)

    def close(self) -> None:
        self.sio.disconnect()


# --- the line server ---------------------------------------------------------------------------


class LineServer:
    """``python -m telephony`` pointing at the console, with its CPU time and RSS from /proc."""

    def __init__(self, console: Console, lines: int, log_path: Path) -> None:
        self.port = free_port(socket.SOCK_DGRAM)
        self.log_path = log_path
        env = {
            **os.environ,
            "HOTLINE_INSTANCE": str(console.instance),
            "HOTLINE_CONSOLE_URL": console.url,
            "HOTLINE_SIP_PORT": str(self.port),
            "HOTLINE_SIP_LINES": str(lines),
            "HOTLINE_RTP_PORT": str(40000 + (os.getpid() % 40) * 250),
            "HOTLINE_RTP_PORT_RANGE": "250",
            "HOTLINE_RING_SECONDS": "0",  # answer as soon as the console has the card
            "PYTHONUNBUFFERED": "1",
        }
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "telephony"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime, all threads

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) if match else 0

    def scheduling(self) -> str:
        """The line server's own report of how late its other threads woke up (GIL held)."""
        found = re.findall(r"scheduling over the whole run: (.*)", self.log_path.read_text(errors="replace"))
        return found[-1] if found else "no scheduling report in its log"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class CpuWindow:
    """The line server's CPU over a stretch of wall-clock time, in % of one core."""

    def __init__(self, server: LineServer) -> None:
        self.server = server
        self.cpu, self.wall = server.cpu_seconds(), time.monotonic()

    def percent(self) -> float:
        return 100 * (self.server.cpu_seconds() - self.cpu) / (time.monotonic() - self.wall)


# --- RTP ---------------------------------------------------------------------------------------


class RtpPump:
    """One loopback RTP socket per caller, all served by one thread: each plays the pcap's PCMA
    audio (20 ms packets) back to whoever sends to it, and counts packets both ways."""

    def __init__(self, count: int) -> None:
        self.socks = []
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            self.socks.append(sock)
        self.ports = [int(sock.getsockname()[1]) for sock in self.socks]
        self.received = [0] * count
        self.sent = [0] * count
        self.remotes: list[tuple[str, int] | None] = [None] * count
        self.frames = pcap_frames()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="rtp-pump", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        seq, tick = 0, time.monotonic()
        while not self.stopping.is_set():
            for i, sock in enumerate(self.socks):
                self._drain(i, sock)
                if self.remotes[i] is not None:
                    header = (0x80_08_0000 | (seq & 0xFFFF)).to_bytes(4, "big")
                    stamp = ((seq * 160) & 0xFFFFFFFF).to_bytes(4, "big") + (0x1000 + i).to_bytes(4, "big")
                    sock.sendto(header + stamp + self.frames[seq % len(self.frames)], self.remotes[i])
                    self.sent[i] += 1
            seq, tick = seq + 1, max(tick + FRAME, time.monotonic() - 5 * FRAME)
            self.stopping.wait(max(0.0, tick - time.monotonic()))

    def _drain(self, i: int, sock: socket.socket) -> None:
        while True:
            try:
                _packet, remote = sock.recvfrom(2048)
            except (BlockingIOError, OSError):
                return
            self.received[i] += 1
            self.remotes[i] = remote

    def counts(self) -> list[tuple[int, int]]:
        return list(zip(self.received, self.sent, strict=True))

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        for sock in self.socks:
            sock.close()


# --- SIPp --------------------------------------------------------------------------------------


@dataclass
class SippRun:
    """One SIPp process placing ``calls`` calls; its per-call log is read when it has finished."""

    process: subprocess.Popen[bytes]
    log_path: Path
    calls: int
    numbers: Callable[[int], str]
    answered: dict[str, tuple[float, float]] = field(default_factory=dict)  # number -> (INVITE, 200)
    busy: int = 0
    done: int = 0

    def finish(self, timeout: float) -> SippRun:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        for line in text.splitlines():
            words = line.split()
            if len(words) == 6 and words[0] == "answered":
                invite = float(words[2]) + float(words[3]) / 1e6
                self.answered[self.numbers(int(words[1]))] = (invite, float(words[4]) + float(words[5]) / 1e6)
            elif words[:1] == ["busy"]:
                self.busy += 1
            elif words[:1] == ["done"]:
                self.done += 1
        return self

    @property
    def failed(self) -> int:
        """Calls that did not run to their own BYE: turned away (486) or broken."""
        return self.calls - self.done


class Sipp:
    """Writes scenarios from the template and starts SIPp against the line server."""

    def __init__(self, workdir: Path, line_port: int) -> None:
        self.workdir, self.line_port = workdir, line_port
        self.runs = 0
        self.started: list[SippRun] = []

    def start(
        self,
        calls: int,
        rate: float,
        media: str,
        prefix: str = "",
        injection: list[tuple[str, int]] | None = None,
    ) -> SippRun:
        self.runs += 1
        name = f"run{self.runs}"
        values = {"number": f"{prefix}[call_number]", "rtpport": "[media_port]", "media": media}
        args: list[str] = []
        if injection is not None:
            csv = self.workdir / f"{name}.csv"
            csv.write_text("SEQUENTIAL\n" + "".join(f"{number};{port};\n" for number, port in injection))
            values.update(number="[field0]", rtpport="[field1]")
            args = ["-inf", str(csv)]
        scenario = self.workdir / f"{name}.xml"
        scenario.write_text(string.Template(SCENARIO.read_text()).substitute(values))
        log_path = self.workdir / f"{name}.log"
        command = [
            SIPP,
            f"127.0.0.1:{self.line_port}",
            "-sf", str(scenario),
            *args,
            "-i", "127.0.0.1",
            "-mi", "127.0.0.1",
            "-p", str(free_port(socket.SOCK_DGRAM)),
            "-mp", str(free_port(socket.SOCK_DGRAM)),
            "-m", str(calls),
            "-l", str(calls),
            "-r", str(rate),
            "-nostdin",
            "-trace_logs", "-log_file", str(log_path),
            "-timeout", str(int(calls / rate + 120)), "-timeout_error",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        numbers = (lambda n: injection[n - 1][0]) if injection is not None else (lambda n: f"{prefix}{n}")
        run = SippRun(process, log_path, calls, numbers)
        self.started.append(run)
        return run

    def close(self) -> None:
        for run in self.started:
            if run.process.poll() is None:
                run.process.kill()
                run.process.wait()


def hold(seconds: float, pcap: bool) -> str:
    """The ``$media`` block: pcap plays (7 s each) back to back, and the rest of the hold."""
    millis = int(seconds * 1000)
    if not pcap:
        return f'  <pause milliseconds="{millis}"/>'
    parts = []
    while millis > 0:
        parts += [PCAP_PLAY, f'  <pause milliseconds="{min(millis, 7000)}"/>']
        millis -= 7000
    return "\n".join(parts)


# --- the three phases ---------------------------------------------------------------------------


@dataclass
class Capacity:
    calls: int
    answered: int
    busy: int
    failed: int
    busy_lines: int
    held_with_rtp: int
    idle_cpu: float
    hold_cpu: float
    window: float
    extra_busy: bool


def capacity(server: LineServer, seat: SeatWatch, sipp: Sipp, calls: int, hold_s: float) -> Capacity:
    idle = CpuWindow(server)
    time.sleep(5)
    idle_cpu = idle.percent()
    pump = RtpPump(calls)
    try:
        numbers = [(f"1390100{n:04d}", port) for n, port in enumerate(pump.ports, start=1)]
        rate = max(1.0, calls / 4)
        run = sipp.start(calls, rate, hold(hold_s, pcap=False), injection=numbers)
        wait_until(lambda: sum(1 for r in pump.remotes if r) >= calls, timeout=calls / rate + 15)
        time.sleep(1)
        window = min(10.0, max(2.0, hold_s - calls / rate - 6))
        before, cpu = pump.counts(), CpuWindow(server)
        time.sleep(window / 2)
        busy_lines = seat.busy_lines()
        time.sleep(window / 2)
        hold_cpu, after = cpu.percent(), pump.counts()
        expected = HELD_SHARE * window / FRAME
        held = sum(
            1
            for (r0, s0), (r1, s1) in zip(before, after, strict=True)
            if r1 - r0 >= expected and s1 - s0 >= expected
        )
        extra = sipp.start(1, 1, hold(1, pcap=False), prefix="13901999").finish(timeout=20)
        run.finish(timeout=hold_s + calls / rate + 30)
    finally:
        pump.close()
    return Capacity(
        calls,
        len(run.answered),
        run.busy,
        run.failed,
        busy_lines,
        held,
        idle_cpu,
        hold_cpu,
        window,
        extra.busy == 1,
    )


def churn(server: LineServer, seat: SeatWatch, sipp: Sipp, calls: int, rate: float) -> dict[str, Any]:
    cpu = CpuWindow(server)
    run = sipp.start(calls, rate, hold(1, pcap=True), prefix="1390200").finish(timeout=calls / rate + 120)
    cpu_percent = cpu.percent()
    wait_until(lambda: all(number in seat.cards for number in run.answered), timeout=10)
    to_ok = [ok - invite for invite, ok in run.answered.values()]
    to_card = [seat.cards[n] - invite for n, (invite, _ok) in run.answered.items() if n in seat.cards]
    return {
        "run": run,
        "to_ok": to_ok,
        "to_card": to_card,
        "cpu": cpu_percent,
        "no_card": len(run.answered) - len(to_card),
    }


def memory(server: LineServer, sipp: Sipp, calls: int, rate: float) -> tuple[list[tuple[int, int]], int]:
    samples, made, failed = [(0, server.rss_kb())], 0, 0
    while made < calls:
        chunk = min(CHUNK, calls - made)
        prefix = f"13903{len(samples):03d}"
        run = sipp.start(chunk, rate, hold(0.5, pcap=True), prefix=prefix).finish(timeout=chunk / rate + 120)
        made, failed = made + chunk, failed + run.failed
        time.sleep(2)  # let the last calls' media and players go
        samples.append((made, server.rss_kb()))
        print(f"  memory: {made} calls, RSS {samples[-1][1] / 1024:.1f} MB, failed {failed}", flush=True)
    return samples, failed


def slope(samples: list[tuple[int, int]]) -> float:
    """Least-squares KB per 1,000 calls."""
    xs, ys = [x / 1000 for x, _ in samples], [float(y) for _, y in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


# --- report --------------------------------------------------------------------------------------


def report_capacity(result: Capacity, lines: int) -> None:
    print(f"\n1. capacity: {result.calls} callers at once on {lines} lines, RTP both ways\n")
    rows = [
        ("answered (200 OK)", f"{result.answered} of {result.calls}"),
        ("486 Busy Here", str(result.busy)),
        ("failed calls (486 or broken)", str(result.failed)),
        ("lines busy on the seat mid-hold", str(result.busy_lines)),
        (f"calls with RTP both ways over {result.window:.0f} s", str(result.held_with_rtp)),
        ("one call more", "486 Busy Here" if result.extra_busy else "NOT 486"),
        ("line server CPU, idle (baseline)", f"{result.idle_cpu:.1f} % of a core"),
        (f"line server CPU, {result.held_with_rtp} calls held", f"{result.hold_cpu:.1f} % of a core"),
    ]
    if result.held_with_rtp:
        per_call = (result.hold_cpu - result.idle_cpu) / result.held_with_rtp
        rows.append(("CPU per call (held - idle) / calls", f"{per_call:.2f} % of a core"))
    for label, value in rows:
        print(f"{label:<44}{value:>22}")


def report_churn(result: dict[str, Any], rate: float) -> None:
    run: SippRun = result["run"]
    print(f"\n2. churn: {run.calls} calls at {rate:g} calls/s, each answered, 1 s of audio, BYE\n")
    print(f"{'completed calls':<44}{run.done:>10}")
    print(f"{'failed calls (486 or broken)':<44}{run.failed:>10}")
    print(f"{'  of which 486 Busy Here':<44}{run.busy:>10}")
    print(f"{'answered calls without a card on the seat':<44}{result['no_card']:>10}")
    print(f"{'line server CPU during the run':<44}{result['cpu']:>9.1f}%\n")
    to_ok, to_card = result["to_ok"], result["to_card"]
    if not to_ok or not to_card:
        print("no answered calls to time")
        return
    base = statistics.median(to_ok)
    print(f"{'measure':<34}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}")
    for label, values in (("INVITE -> 200 OK (baseline)", to_ok), ("INVITE -> card on the seat", to_card)):
        median = statistics.median(values)
        print(
            f"{label:<34}{median * 1000:>10.1f}{percentile(values, 0.95) * 1000:>10.1f}"
            f"{median / base if base else 0:>12.2f}"
        )


def report_memory(samples: list[tuple[int, int]], failed: int) -> None:
    print(f"\n3. memory: line server RSS every {CHUNK:,} calls (0.5 s of audio each)\n")
    print(f"{'calls':>8}{'RSS MB':>10}")
    for calls, rss in samples:
        print(f"{calls:>8,}{rss / 1024:>10.1f}")
    print(f"\nfailed calls: {failed}")
    print(f"{'slope over all samples':<36}{slope(samples):>8.1f} KB per 1,000 calls")
    if len(samples) > 2:
        print(f"{f'slope after the first {CHUNK:,} calls':<36}{slope(samples[1:]):>8.1f} KB per 1,000 calls")


# --- main ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="line-capacity-") as tmp:
        workdir = Path(tmp)
        console = start_console(workdir / "console")
        server: LineServer | None = None
        seat: SeatWatch | None = None
        sipp: Sipp | None = None
        try:
            seat = SeatWatch(console)
            server = LineServer(console, args.lines, workdir / "line-server.log")
            if not wait_until(lambda: seat is not None and seat.ready(args.lines), timeout=30):
                raise SystemExit(f"the line server did not come up:\n{server.log_tail()}")
            build = (Path(sys.prefix) / "pjsua2-build").read_text().strip()
            print(f"line server: {args.lines} lines, {build}; {os.cpu_count()} CPUs", flush=True)
            sipp = Sipp(workdir, server.port)
            report_capacity(capacity(server, seat, sipp, args.lines, args.hold), args.lines)
            report_churn(churn(server, seat, sipp, args.churn_calls, args.churn_rate), args.churn_rate)
            if not args.skip_memory:
                report_memory(*memory(server, sipp, args.memory_calls, args.memory_rate))
        finally:
            if sipp is not None:
                sipp.close()
            if seat is not None:
                seat.close()
            if server is not None:
                stopped = server.stop()
                print(f"\nline server exit code {stopped}; {server.scheduling()}")
            console.stop()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=64, help="lines, and callers at once in phase 1")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds each phase-1 caller holds")
    parser.add_argument("--churn-calls", type=int, default=1000)
    parser.add_argument("--churn-rate", type=float, default=10.0, help="calls per second")
    parser.add_argument("--memory-calls", type=int, default=10000)
    parser.add_argument("--memory-rate", type=float, default=12.0, help="calls per second")
    parser.add_argument("--skip-memory", action="store_true")
    sys.exit(run(parser.parse_args()))
