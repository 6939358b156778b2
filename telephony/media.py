"""The conference bridge wiring: who hears whom.

The engine describes the wanted connections as a set of named edges (``source -> sink``) after
every change; :class:`Bridge` connects and disconnects only the difference. Names are unique per
call (``caller:<id>``, ``producer:<id>``, ...), so a conference port id that pjsua reuses after a
call ends never inherits a stale connection.
"""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import pjsua2 as pj

log = logging.getLogger(__name__)
Edge = tuple[str, str]


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate() or 1)


def new_player(path: Path, loop: bool) -> pj.AudioMediaPlayer:
    player = pj.AudioMediaPlayer()
    player.createPlayer(str(path), 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
    return player


def new_recorder(path: Path) -> pj.AudioMediaRecorder:
    recorder = pj.AudioMediaRecorder()
    recorder.createRecorder(str(path))
    return recorder


class Bridge:
    """The named conference ports and the connections between them."""

    def __init__(self) -> None:
        self.ports: dict[str, pj.AudioMedia] = {}
        self.edges: set[Edge] = set()

    def add(self, name: str, media: pj.AudioMedia) -> None:
        self.remove(name)
        self.ports[name] = media

    def remove(self, name: str) -> None:
        """Forget a port (its call ended or its player/recorder is about to be destroyed)."""
        if self.ports.pop(name, None) is not None:
            self.edges = {edge for edge in self.edges if name not in edge}

    def apply(self, wanted: set[Edge]) -> None:
        wanted = {(a, b) for a, b in wanted if a in self.ports and b in self.ports and a != b}
        for source, sink in self.edges - wanted:
            self._switch(source, sink, on=False)
        for source, sink in wanted - self.edges:
            self._switch(source, sink, on=True)
        self.edges = wanted

    def _switch(self, source: str, sink: str, on: bool) -> None:
        try:
            if on:
                self.ports[source].startTransmit(self.ports[sink])
            else:
                self.ports[source].stopTransmit(self.ports[sink])
        except pj.Error as exc:  # a port that went away meanwhile
            log.debug("bridge %s %s -> %s: %s", "connect" if on else "disconnect", source, sink, exc.info())
