"""An interrupt that lands where Python cannot raise it (a weakref callback, ``__del__``).

Seen under load: SIGTERM arrived inside importlib's module-lock weakref callback, the handler's
exception was printed as "Exception ignored ... Traceback" and lost, and the command went on to
exit 0. The handler's exception is now noticed and the signal sent again (interrupts.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import signal, time, weakref
from policyengine import interrupts
interrupts.install()

class Thing:
    pass

def callback(_ref):
    signal.raise_signal(signal.SIG{sig})
    sum(range(10_000))  # the handler runs here, inside the callback

thing = Thing()
ref = weakref.ref(thing, callback)
try:
    del thing
    time.sleep(2)
    print("not interrupted")
except {exc}:
    print("interrupted")
"""


@pytest.mark.parametrize(
    ("sig", "exc"), [("TERM", "interrupts.Terminated"), ("INT", "KeyboardInterrupt")]
)
def test_an_interrupt_inside_a_weakref_callback_is_not_lost(sig: str, exc: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(sig=sig, exc=exc)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout == "interrupted\n", (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
