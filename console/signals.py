"""What the console tells the packages above it, after the change is committed.

The console imports nothing of them: a package that cares subscribes in its own ``init_app``.
``session_ended`` is sent by the application whose show ended, with ``session`` (the ended
AirSession) and ``actor`` (the User who ended it, or None).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

session_ended = _signals.signal("session-ended")
