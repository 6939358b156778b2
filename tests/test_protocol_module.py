"""The line server protocol's words (telephony/protocol.py) are shared by two processes: the module
must import nothing but the standard library, so that the console never loads pjsua2 or the line
server's client, and the line server nothing of the console."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: any import outside the standard library and the module itself fails.
ONLY_THE_STANDARD_LIBRARY = """
import sys
from importlib.abc import MetaPathFinder

class Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in sys.stdlib_module_names and name not in ("telephony", "telephony.protocol"):
            raise ImportError(f"telephony.protocol imports {name}")
        return None

sys.meta_path.insert(0, Refuse())
import telephony.protocol
"""


def test_the_protocol_imports_only_the_standard_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ONLY_THE_STANDARD_LIBRARY], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr


def test_the_console_answers_every_event_the_line_server_sends() -> None:
    # The namespace class names its handlers on_<event>; an event renamed in the protocol and not
    # in the console would otherwise be dropped in silence.
    from console.telephony_link import LineServerNamespace
    from telephony.protocol import Event

    from_the_line_server = set(Event) - {Event.COMMAND}

    assert {e for e in from_the_line_server if not hasattr(LineServerNamespace, f"on_{e}")} == set()
