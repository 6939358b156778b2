"""``python -m telephony``: run the line server until SIGTERM or SIGINT.

The main thread owns pjsua2 (telephony/engine.py); the console link runs in its own threads
(telephony/link.py). A watchdog thread logs how late a 50 ms sleeper wakes up, which shows whether
pjsua2 holds the GIL for long (it should not: the wheel is built with SWIG ``-threads``).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType

from telephony.engine import Engine
from telephony.link import Link
from telephony.settings import Settings, installed_capacity

log = logging.getLogger("telephony")
WATCH_PERIOD = 0.05
WATCH_REPORT = 60.0


class GilWatch:
    """Notes how late a 50 ms sleeper wakes up: with the GIL held by pjsua2 it would be late."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.worst = self.worst_ever = 0.0

    def run(self) -> None:
        since = time.monotonic()
        while not self.engine.stopping.is_set():
            began = time.monotonic()
            time.sleep(WATCH_PERIOD)
            self.worst = max(self.worst, time.monotonic() - began - WATCH_PERIOD)
            self.worst_ever = max(self.worst_ever, self.worst)
            if time.monotonic() - since >= WATCH_REPORT:
                self.report("the last minute")
                self.worst, since, self.engine.worst_loop = 0.0, time.monotonic(), 0.0

    def report(self, period: str) -> None:
        log.info(
            "scheduling over %s: other threads woke up to %.1f ms late; longest owner loop pass %.1f ms",
            period,
            (self.worst_ever if period == "the whole run" else self.worst) * 1000,
            self.engine.worst_loop * 1000,
        )


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stdout
    )
    settings = Settings.from_env()
    capacity = installed_capacity()
    log.info("pjsua2: %s; %d simultaneous calls", capacity.build, capacity.max_calls)
    if capacity.warning:
        log.warning("#" * 60 + "\n##  %s\n" + "#" * 60, capacity.warning)
    if settings.lines > capacity.max_calls:
        log.warning(
            "HOTLINE_SIP_LINES=%d but pjsua2 holds %d calls: %d lines",
            settings.lines,
            capacity.max_calls,
            capacity.max_calls,
        )
    engine = Engine(settings, capacity)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: shutting down", signum)
        engine.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    engine.start()
    link = Link(settings, engine)
    engine.link = link
    link.start()
    watch = GilWatch(engine)
    threading.Thread(target=watch.run, name="gil-watch", daemon=True).start()
    try:
        engine.run()
    finally:
        watch.report("the whole run")
        engine.shutdown()
        link.stop()
    log.info("line server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
