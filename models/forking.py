"""Running one job in a forked child process while this one works on, with a sequential stand-in.

:class:`Forked` runs a function of no arguments in a child made with ``fork``: the child sees the
parent's memory as it was at the fork (copy on write), so its input — e.g. a million training rows —
is not pickled; only its result comes back through a pipe. :class:`InProcess` has the same interface
and runs the job here; :func:`can_fork` says whether forking can help (Linux, two usable cores).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Any, Callable, Generic, TypeVar

__all__ = ["Forked", "InProcess", "can_fork"]


def can_fork() -> bool:
    """A second core and the ``fork`` start method (Linux): a child shares the parent's rows without copying them."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return len(os.sched_getaffinity(0)) >= 2


T = TypeVar("T")


class InProcess(Generic[T]):
    """A job run here, when :meth:`result` is first asked for (the sequential counterpart of :class:`Forked`)."""

    def __init__(self, job: Callable[[], T]) -> None:
        self._job, self._done = job, False
        self._value: Any = None

    def result(self) -> T:
        if not self._done:
            self._value, self._done = self._job(), True
        return self._value

    def __enter__(self) -> "InProcess[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed ``train`` leaves no fit running)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_main(job: Callable[[], Any], conn: Any, parent: int) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
    try:
        out: tuple[str, Any] = ("ok", job())
    except BaseException as exc:  # handed to the parent, which raises it
        out = ("error", exc)
    conn.send(out)
    conn.close()


class Forked(Generic[T]):
    """A job run in a forked child process (it sees the parent's memory as it was at the fork, copy on
    write, so no input is pickled); :meth:`result` waits for its value (pickled back through a pipe)
    or raises its exception. A child that dies without answering (killed, out of memory) has its job
    run here instead. Leaving the ``with`` block kills a child whose result was not collected.

    The job must not use what the parent holds open (a database connection, a held lock, a
    terminal display): after ``fork`` both processes would share it. The child leaves with
    ``os._exit``, so none of the parent's clean-up runs in it."""

    def __init__(self, job: Callable[[], T], proc: Any, conn: Any) -> None:
        self._job, self._proc, self._conn = job, proc, conn
        self._done = False
        self._value: Any = None

    @classmethod
    def start(cls, job: Callable[[], T]) -> "Forked[T]":
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child_main, args=(job, send, os.getpid()), daemon=True)
        proc.start()
        send.close()
        return cls(job, proc, recv)

    def result(self) -> T:
        if self._done:
            return self._value
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError):
            status, value = "lost", None
        finally:
            self._conn.close()
            self._proc.join()
        if status == "error":
            raise value
        self._value = self._job() if status == "lost" else value
        self._done = True
        return self._value

    def __enter__(self) -> "Forked[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._conn.close()
