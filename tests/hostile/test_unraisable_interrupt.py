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
from policyengine.system import interrupts
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


@pytest.mark.parametrize(("sig", "exc"), [("TERM", "interrupts.Terminated"), ("INT", "KeyboardInterrupt")])
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


def test_an_interrupt_wrapped_while_a_class_is_created_is_still_the_interrupt() -> None:
    """Python 3.11 turns an exception from ``__set_name__`` (dataclasses and pydantic run it on
    import) into a RuntimeError caused by it: the CLI treats that error as the SIGTERM it is."""
    from policyengine.cli import _interrupt_within
    from policyengine.system.interrupts import Terminated

    class Descriptor:
        def __set_name__(self, owner: type, name: str) -> None:
            raise Terminated(15)

    with pytest.raises(BaseException) as info:
        type("Model", (), {"field": Descriptor()})
    found = _interrupt_within(info.value)
    assert isinstance(found, Terminated) and found.signum == 15
    assert _interrupt_within(RuntimeError("a real internal error")) is None
