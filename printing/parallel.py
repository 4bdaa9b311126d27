"""Many forms rendered by helper processes, handed back in the order they were asked for.

A commune-year's ISO pack holds thousands of control slips, and reportlab lays a page out in Python, on one
core. ``Renderers`` spreads the renders over ``helpers`` processes while the caller goes on reading the next
dossiers. A helper is a fresh interpreter running ``python -m printing.helper``: it imports ``printing``
alone (about 50 MB), shares no database connection, thread or lock with the caller, and inherits its
niceness, so a scheduler that runs at a low priority keeps its helpers there too. Jobs and results travel
through the helper's standard input and output as length-prefixed pickles (a private pipe between two
processes of this program).

At most ``AHEAD`` jobs per helper wait at any time, so memory stays bounded however many forms there are,
and the pipes never fill both ways at once (a job is a few kilobytes; a helper reads the next one only once
its result is written). With no helper, the caller renders the jobs itself, one by one.

A render function must be importable by name (a module-level function of ``printing``, or a
``functools.partial`` of one) and its arguments picklable (the forms' frozen dataclasses are).
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Generic, TypeVar

Key = TypeVar("Key")

AHEAD = 4  # jobs queued per helper: enough to keep it busy while the caller reads and writes
FRAME = struct.Struct(">Q")  # the length of the pickle that follows
ROOT = Path(__file__).resolve().parent.parent  # the directory that holds the ``printing`` package


class RenderFailed(RuntimeError):
    """A helper could not render a job (the message carries its traceback), or it died."""


def send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> object:
    """The next value on ``stream``; EOFError when it ended between two values."""
    head = stream.read(FRAME.size)
    if not head:
        raise EOFError
    if len(head) < FRAME.size:
        raise RenderFailed("the helper's answer was cut short")
    (length,) = FRAME.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        raise RenderFailed("the helper's answer was cut short")
    return pickle.loads(data)


class Renderers(Generic[Key]):
    """``with Renderers(2) as renderers: for key, pdf in renderers.in_order(jobs): …``"""

    def __init__(self, helpers: int) -> None:
        self.helpers = max(0, helpers)
        self._processes: list[subprocess.Popen[bytes]] = []
        self._outstanding = 0  # jobs sent whose result was not read

    def __enter__(self) -> Renderers[Key]:
        path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        try:
            for _ in range(self.helpers):
                self._processes.append(subprocess.Popen(
                    [sys.executable, "-m", "printing.helper"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    env={**os.environ, "PYTHONPATH": path}, cwd=ROOT))
        except BaseException as error:  # the ones started do not outlive a failed start
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for process in self._processes:
            if error is not None or self._outstanding:
                process.kill()  # what it was given is dropped (nobody would read it)
            else:
                process.stdin.close()  # type: ignore[union-attr] # its end of input: it exits
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()  # type: ignore[union-attr]
            if process.stdin and not process.stdin.closed:
                try:
                    process.stdin.close()
                except BrokenPipeError:
                    pass
        self._processes = []

    def in_order(self, jobs: Iterable[tuple[Key, Callable[..., bytes], tuple[object, ...]]]
                 ) -> Iterator[tuple[Key, bytes]]:
        """Each job (key, render, args) as (key, render(*args)), in the order of ``jobs``; a render's error is
        raised here, when its turn comes."""
        if not self._processes:
            for key, render, args in jobs:
                yield key, render(*args)
            return
        waiting: deque[tuple[Key, subprocess.Popen[bytes]]] = deque()
        for index, (key, render, args) in enumerate(jobs):
            helper = self._processes[index % len(self._processes)]  # the same cost each: turn and turn about
            try:
                send(helper.stdin, (render, args))  # type: ignore[arg-type]
            except BrokenPipeError:
                raise RenderFailed(f"helper {helper.pid} stopped (exit code {helper.poll()})") from None
            waiting.append((key, helper))
            self._outstanding += 1
            if len(waiting) >= len(self._processes) * AHEAD:
                yield self._result(*waiting.popleft())
        while waiting:
            yield self._result(*waiting.popleft())

    def _result(self, key: Key, helper: subprocess.Popen[bytes]) -> tuple[Key, bytes]:
        self._outstanding -= 1
        try:
            ok, value = receive(helper.stdout)  # type: ignore[arg-type, misc]
        except EOFError:
            raise RenderFailed(f"helper {helper.pid} stopped (exit code {helper.wait()})") from None
        except RenderFailed:
            raise RenderFailed(f"helper {helper.pid} stopped in the middle of an answer "
                               f"(exit code {helper.wait()})") from None
        if not ok:
            raise RenderFailed(value)
        return key, value
