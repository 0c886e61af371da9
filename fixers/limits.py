"""CPU-time budgets, so that no input can make tapfix hang.

The parser and the rules are linear on the inputs measured (benchmarks/soak_hcl.py), but a rule or a
function the evaluator supports may still be slow on some input nobody has tried. Each unit of work
that reads untrusted text runs under a budget; when it runs out, that unit stops with an error that
says which limit it hit, and the rest of the scan goes on:

- `PARSE_SECONDS`: parsing one file (the file gets a TAP000 at the point the parser reached);
- `RULE_SECONDS`: one rule on one module (reported like a rule crash; the other rules still run);
- `VERIFY_SECONDS`: verifying one module's fixes (the fixes not verified in time are not offered);
- `REGEX_SECONDS`: one regular expression from the Terraform code (`replace(s, "/re/", ...)`), whose
  value is then unknown;
- `REGEX_TOTAL_SECONDS`: all the regular expressions of one evaluated value together (a loop can
  build a new pattern at each turn), past which the whole value is unknown;
- `REGEX_MODULE_SECONDS`: all the regular expressions of one module's evaluations together (every
  rule evaluates the module's values again), past which the values that need one more are unknown.

The paths of a module's file functions, which the PR review evaluates before any rule runs, share one
`RULE_SECONDS` budget per module (the files past it stay unknown).

Budgets count the process's CPU time (user + system), not wall time, so a loaded CI machine does
not turn a normal scan into an error. They are enforced with `SIGPROF` in the main thread of a POSIX
process: the command line, the Action and the scan's worker processes. In any other thread, or on
Windows, the work runs unbounded.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType, TracebackType

PARSE_SECONDS = 60.0
RULE_SECONDS = 30.0
VERIFY_SECONDS = 120.0
REGEX_SECONDS = 0.25
REGEX_TOTAL_SECONDS = 1.0
REGEX_MODULE_SECONDS = 4.0

# How soon the signal comes back after a budget ran out and its code is still running: an
# OutOfTime raised where Python discards exceptions (a `__del__`) must not end the budget.
_REFIRE_SECONDS = 0.01


class OutOfTime(BaseException):
    """Raised inside the work a `Budget` bounds. A BaseException, so that a rule's or a library's
    `except Exception` cannot swallow it; only the `with Budget(...)` that ran out catches it."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(f"ran out of its {budget.seconds:g} s CPU-time budget")
        self.budget = budget


_active: list[Budget] = []  # outermost first
_previous_handler: object = None


class Budget:
    """`with Budget(seconds) as budget: ...` stops the block once it has used `seconds` of CPU time;
    afterwards `budget.expired` says whether it did. Budgets nest: an outer budget that runs out
    stops the inner blocks too."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._deadline: float | None = None

    def __enter__(self) -> Budget:
        if _enforceable():
            global _previous_handler
            if not _active:
                _previous_handler = signal.signal(signal.SIGPROF, _on_signal)
            self._deadline = time.process_time() + self.seconds
            _active.append(self)
            _arm()
            # An outer budget that ran out while no signal could land (short inner blocks re-arm
            # the timer) stops here, before more work starts.
            _raise_if_expired(exclude=self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if self._deadline is not None and self in _active:
            _active.remove(self)
            if _active:
                _arm()
                _raise_if_expired()
            else:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.signal(signal.SIGPROF, _previous_handler or signal.SIG_DFL)
        if isinstance(exc, OutOfTime) and exc.budget is self:
            self.expired = True
            return True
        return False


def _enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _raise_if_expired(exclude: Budget | None = None) -> None:
    """Raise for the outermost active budget that has run out (other than `exclude`, which is
    entering and is taken off the stack first: its `with` body will not run)."""
    now = time.process_time()
    expired = [b for b in _active if b is not exclude and b._deadline is not None and b._deadline <= now]
    if not expired:
        return
    if exclude is not None:
        _active.remove(exclude)
        _arm()
    raise OutOfTime(expired[0])


def _arm() -> None:
    remaining = min(b._deadline for b in _active if b._deadline is not None) - time.process_time()
    signal.setitimer(signal.ITIMER_PROF, max(remaining, 0.001))


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if frame is not None and frame.f_code.co_filename == __file__:
        # Inside Budget.__exit__ or _arm: raising here would escape the `with` that should catch it.
        signal.setitimer(signal.ITIMER_PROF, 0.001)
        return
    now = time.process_time()
    expired = [b for b in _active if b._deadline is not None and b._deadline <= now]
    if not expired:
        if _active:
            _arm()  # the timer fired a little early
        return
    signal.setitimer(signal.ITIMER_PROF, _REFIRE_SECONDS)
    raise OutOfTime(expired[0])  # the outermost: everything inside it unwinds
