"""A listener's call from a real softphone (baresip) on this machine, for trying the show out and
for the tests: no sound card needed, it sends a 440 Hz tone and writes what it hears to a WAV.

    .venv/bin/python -m telephony.softphone [--number 13800138000] [--seconds 60] [sip:hotline@127.0.0.1:5070]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import string
import subprocess
import tempfile
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "softphone"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def configure(folder: Path, number: str, heard: Path) -> None:
    """Write baresip's config and account for a caller ``number`` into ``folder``."""
    rtp = free_udp_port()
    values = {"port": free_udp_port(), "rtp": rtp, "rtp_end": rtp + 20, "number": number, "heard": heard}
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config", "accounts"):
        template = string.Template((TEMPLATES / name).read_text())
        (folder / name).write_text(template.substitute(values))


def command(folder: Path, uri: str, seconds: int) -> list[str]:
    """baresip dialling ``uri``, quitting after ``seconds``."""
    return ["baresip", "-f", str(folder), "-e", f"/dial {uri}", "-t", str(seconds)]


def main() -> None:
    bind, port = os.environ.get("HOTLINE_SIP_BIND", "127.0.0.1"), os.environ.get("HOTLINE_SIP_PORT", "5070")
    default_uri = f"sip:hotline@{bind}:{port}"
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("uri", nargs="?", default=default_uri)
    parser.add_argument("--number", default="13800138000", help="the caller's number the console shows")
    parser.add_argument(
        "--seconds", type=int, default=120, help="hang up after this long (Ctrl-C hangs up too)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        heard = Path(folder) / "heard.wav"
        configure(Path(folder), args.number, heard)
        print(f"calling {args.uri} as {args.number}; Ctrl-C hangs up")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a listener hangs up
            subprocess.run(command(Path(folder), args.uri, args.seconds), check=False)


if __name__ == "__main__":
    main()
