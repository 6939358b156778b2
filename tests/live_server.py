"""Run the real console (``python app.py`` under eventlet) on a free loopback port with a scratch
instance folder and the demo loaded, for the tests and benchmarks that need the whole server.

    console = start_console(tmp_dir)     # -> Console(url, session_id, web_token, instance, ...)
    http = console.login("producer")     # requests.Session with the CSRF header set
    console.stop()
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "hotline-demo"
START_TIMEOUT = 30.0


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_udp_and_tcp_port() -> int:
    """A port free for UDP and for TCP alike, as a SIP listener on both needs: a port free for
    UDP may be held in TCP by some other connection at that moment."""
    while True:
        port = free_port(socket.SOCK_DGRAM)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port


@dataclass
class Console:
    url: str
    session_id: int
    web_token: str
    instance: Path
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def login(self, username: str) -> requests.Session:
        http = requests.Session()
        page = http.get(f"{self.url}/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        data = {
            "username": username,
            "password": DEMO_PASSWORD,
            "csrf_token": token.group(1) if token else "",
        }
        http.post(f"{self.url}/login", data=data, timeout=10)
        http.headers["X-CSRFToken"] = http.get(f"{self.url}/api/me", timeout=10).json()["csrf_token"]
        return http

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no console log)"

    def launch(self) -> None:
        """Start ``python app.py`` and wait until it answers HTTP."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the console exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                requests.get(self.url + "/login", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the console did not answer on {self.url}:\n{self.log_tail()}")

    def restart(self) -> None:
        self.stop()
        self.launch()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start_console(instance: Path) -> Console:
    """Create the schema, load the demo and start ``python app.py``; wait until it answers HTTP."""
    port = free_port()
    env = {
        **os.environ,
        "HOTLINE_INSTANCE": str(instance),
        "HOTLINE_DATABASE_URL": f"sqlite:///{instance / 'console.db'}",
        "HOTLINE_HTTP_HOST": "127.0.0.1",
        "HOTLINE_HTTP_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    _flask(env, "db", "upgrade")
    demo = _flask(env, "demo", "load")
    session, token = re.search(r"#(\d+)", demo), re.search(r"/w/(\S+)", demo)
    if session is None or token is None:
        raise RuntimeError(f"no session in the output of flask demo load:\n{demo}")
    console = Console(
        f"http://127.0.0.1:{port}",
        int(session.group(1)),
        token.group(1),
        instance,
        instance / "console.log",
        env,
    )
    console.launch()
    return console
