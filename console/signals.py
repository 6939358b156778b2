"""What the console tells the packages above it, after the change is committed.

The console imports nothing of them: a package that cares subscribes in its own ``init_app``.
``session_ended`` is sent by the application whose show ended, with ``session`` (the ended
AirSession) and ``actor`` (the User who ended it, or None). ``record_saved`` is sent when the
clerk's on-air record of a call is saved, with ``call``, ``before`` (the record's fields as they
were, empty for a new record) and ``actor``: a case made of the call follows the record.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

session_ended = _signals.signal("session-ended")
record_saved = _signals.signal("record-saved")
