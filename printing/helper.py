"""A helper process of ``printing.parallel``: reads (render, args) from standard input, writes back
(True, render(*args)) or (False, the traceback), until its input ends.

Run by ``printing.parallel.Renderers`` as ``python -m printing.helper``; not meant to be started by hand.
"""

from __future__ import annotations

import sys
import traceback

from printing.parallel import receive, send


def main() -> int:
    jobs, results = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            render, args = receive(jobs)  # type: ignore[misc]
        except EOFError:
            return 0
        try:
            answer: tuple[bool, object] = (True, render(*args))
        except Exception:  # noqa: BLE001 - the caller raises it, with this text, when its turn comes
            answer = (False, traceback.format_exc())
        send(results, answer)


if __name__ == "__main__":
    sys.exit(main())
