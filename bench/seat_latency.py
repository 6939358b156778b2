"""How fast a card change reaches the other seats of a show, on the real server.

Starts the console (eventlet, as the README's run command does) on a scratch database, seats a
producer, host, official and clerk as Socket.IO clients, and times N card edits from the moment
the producer sends the PATCH until each other seat has the new version. The baseline, measured
in the same run, is the PATCH's own HTTP round trip: the ratio says how much real-time delivery
adds on top of simply saving. Prints a table of medians and 95th percentiles.

    .venv/bin/python bench/seat_latency.py [--edits 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from tests.live_server import start_console  # noqa: E402

OTHER_SEATS = {"host": "host", "official": "official", "clerk": "clerk"}


class SeatClient:
    """A seat that notes when each version of the watched call arrived."""

    def __init__(self, base: str, http: requests.Session, session_id: int, seat: str) -> None:
        self.arrivals: dict[int, float] = {}
        self.watched: int | None = None
        self.cond = threading.Condition()
        self.sio = socketio.Client()
        self.sio.on("call", self._on_call)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        self.sio.connect(
            base,
            headers={"Cookie": cookie},
            auth={"session_id": session_id, "seat": seat},
            transports=["websocket"],
        )

    def _on_call(self, call: dict) -> None:
        with self.cond:
            if call["id"] == self.watched:
                self.arrivals.setdefault(call["version"], time.perf_counter())
                self.cond.notify_all()

    def wait_for(self, version: int, timeout: float = 5.0) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: version in self.arrivals, timeout):
                raise TimeoutError(f"version {version} never arrived")
            return self.arrivals[version]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(edits: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        console = start_console(Path(workdir))
        base, session_id = console.url, console.session_id
        try:
            producer = console.login("producer")
            producer.post(f"{base}/api/sessions/{session_id}/go-live")
            call = producer.post(
                f"{base}/api/sessions/{session_id}/calls", json={"caller_number": "13800001111"}
            ).json()
            seats = {
                seat: SeatClient(base, console.login(user), session_id, seat)
                for seat, user in OTHER_SEATS.items()
            }
            for seat in seats.values():
                seat.watched = call["id"]
            time.sleep(0.5)
            round_trip: list[float] = []
            delivery: dict[str, list[float]] = {seat: [] for seat in seats}
            version = call["version"]
            for i in range(edits):
                sent = time.perf_counter()
                answer = producer.patch(
                    f"{base}/api/calls/{call['id']}",
                    json={"version": version, "changes": {"details": f"第{i}次修改：楼道灯坏了"}},
                )
                round_trip.append(time.perf_counter() - sent)
                version = answer.json()["version"]
                for name, seat in seats.items():
                    delivery[name].append(seat.wait_for(version) - sent)
            for seat in seats.values():
                seat.sio.disconnect()
        finally:
            console.stop()

    base_median = statistics.median(round_trip)
    print(f"{edits} card edits, producer -> other seats, real server on loopback\n")
    print(f"{'measure':<34}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}")
    base_p95 = percentile(round_trip, 0.95)
    print(f"{'PATCH round trip (baseline)':<34}{base_median * 1000:>10.1f}{base_p95 * 1000:>10.1f}{1:>12.2f}")
    for name, values in delivery.items():
        median = statistics.median(values)
        print(
            f"{'edit sent -> ' + name + ' seat has it':<34}{median * 1000:>10.1f}"
            f"{percentile(values, 0.95) * 1000:>10.1f}{median / base_median:>12.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=200)
    run(parser.parse_args().edits)
