"""The line server's settings, all from ``HOTLINE_*`` environment variables (docs/deploy.md).

Also what the installed pjsua2 can hold: ``scripts/build_pjsua2.sh`` writes the compiled-in call
count and a build description next to the venv (``pjsua2-capacity``, ``pjsua2-build``).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SOUNDS = Path(__file__).resolve().parent / "sounds"
PYPI_CAPACITY = 4


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"HOTLINE_{name}", default).strip()


@dataclass(frozen=True)
class Capacity:
    """How many calls the installed pjsua2 was compiled for, and which build it is."""

    max_calls: int
    build: str

    @property
    def warning(self) -> str | None:
        if self.max_calls <= PYPI_CAPACITY:
            return f"pjsua2 from PyPI: {self.max_calls} lines only"
        return None


def installed_capacity(venv: Path = Path(sys.prefix)) -> Capacity:
    try:
        max_calls = int((venv / "pjsua2-capacity").read_text().strip())
    except (OSError, ValueError):
        max_calls = PYPI_CAPACITY  # unknown build: assume the worst
    try:
        build = (venv / "pjsua2-build").read_text().strip()
    except OSError:
        build = "unknown pjsua2 build"
    return Capacity(max_calls, build)


@dataclass(frozen=True)
class Settings:
    bind: str
    port: int
    public_address: str
    lines: int
    rtp_port: int
    rtp_port_range: int
    console_url: str
    instance: Path
    secret_env: str
    registrar: str
    user: str
    password: str
    realm: str
    greeting_wav: Path
    hold_wav: Path
    recordings: Path
    studio_uri: str
    min_free_disk_mb: int
    sip_log_level: int
    ring_seconds: float
    capacity_every: float  # seconds between reports of capacity and free disk during a show

    @classmethod
    def from_env(cls) -> Settings:
        instance = Path(_env("INSTANCE", "instance")).resolve()
        http_port = _env("HTTP_PORT", "5000")
        return cls(
            bind=_env("SIP_BIND", "127.0.0.1"),
            port=int(_env("SIP_PORT", "5070")),
            public_address=_env("SIP_PUBLIC_ADDRESS"),
            lines=int(_env("SIP_LINES", "64")),
            rtp_port=int(_env("RTP_PORT", "20000")),
            rtp_port_range=int(_env("RTP_PORT_RANGE", "1000")),
            console_url=_env("CONSOLE_URL", f"http://127.0.0.1:{http_port}"),
            instance=instance,
            secret_env=_env("TELEPHONY_SECRET"),
            registrar=_env("SIP_REGISTRAR"),
            user=_env("SIP_USER"),
            password=_env("SIP_PASSWORD"),
            realm=_env("SIP_REALM", "*"),
            greeting_wav=Path(_env("GREETING_WAV", str(SOUNDS / "greeting.wav"))),
            hold_wav=Path(_env("HOLD_WAV", str(SOUNDS / "hold.wav"))),
            recordings=Path(_env("RECORDINGS", str(instance / "recordings"))).resolve(),
            studio_uri=_env("STUDIO_URI"),
            min_free_disk_mb=int(_env("MIN_FREE_DISK_MB", "500")),
            sip_log_level=int(_env("SIP_LOG_LEVEL", "1")),
            ring_seconds=float(_env("RING_SECONDS", "1")),
            capacity_every=float(_env("CAPACITY_EVERY", "60")),
        )

    def wait_for_secret(self, poll: float = 1.0) -> str:
        """The shared secret: from the environment, or the file the console writes on its first
        start (waited for, so both can be started together)."""
        if self.secret_env:
            return self.secret_env
        path = self.instance / "telephony_secret"
        while True:
            try:
                secret = path.read_text().strip()
            except OSError:
                secret = ""
            if secret:
                return secret
            time.sleep(poll)
