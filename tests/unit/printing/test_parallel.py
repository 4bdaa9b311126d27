"""Forms rendered by helper processes come back in order, byte for byte as rendered here; a failure in a
helper is raised in the caller, and no helper outlives its ``with``."""

from __future__ import annotations

import dataclasses
import functools
import os
import signal

import pytest

from app.domain.paper import PaperSize
from printing import form06_control_slip, samples
from printing.parallel import Renderers, RenderFailed


def _slips(count: int) -> list[form06_control_slip.ControlSlipData]:
    base = samples.control_slip()
    return [dataclasses.replace(base, code=f"000.00.31.H99-261125-{n:04d}",
                                applicant_name=f"Nguyễn Thị Hồng Nhung {n}") for n in range(count)]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_helpers_render_in_order_what_this_process_renders():
    slips = _slips(23)
    render = functools.partial(form06_control_slip.render, paper=PaperSize.A5)
    with Renderers[int](2) as renderers:
        pids = [process.pid for process in renderers._processes]  # noqa: SLF001
        got = list(renderers.in_order((n, render, (slip,)) for n, slip in enumerate(slips)))
    assert [n for n, _ in got] == list(range(23))
    assert [pdf for _, pdf in got] == [render(slip) for slip in slips]
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert not any(_alive(pid) for pid in pids)


def test_without_helpers_the_caller_renders():
    slips = _slips(3)
    with Renderers[int](0) as renderers:
        got = list(renderers.in_order((n, form06_control_slip.render, (slip,)) for n, slip in enumerate(slips)))
    assert [pdf for _, pdf in got] == [form06_control_slip.render(slip) for slip in slips]


def test_a_render_that_fails_is_raised_in_its_turn_with_the_helpers_traceback():
    slips: list[object] = [*_slips(3), "not a slip", *_slips(2)]
    seen = []
    with pytest.raises(RenderFailed, match="AttributeError") as failure:
        with Renderers[int](2) as renderers:
            pids = [process.pid for process in renderers._processes]  # noqa: SLF001
            for n, _ in renderers.in_order((n, form06_control_slip.render, (slip,)) for n, slip in enumerate(slips)):
                seen.append(n)
    assert seen == [0, 1, 2]
    assert "form06_control_slip.py" in str(failure.value)
    assert not any(_alive(pid) for pid in pids)


def test_a_helper_that_dies_is_an_error_not_a_hang():
    slips = _slips(12)
    with pytest.raises(RenderFailed, match="stopped"):
        with Renderers[int](2) as renderers:
            for n, _ in renderers.in_order((n, form06_control_slip.render, (slip,)) for n, slip in enumerate(slips)):
                if n == 1:
                    os.kill(renderers._processes[0].pid, signal.SIGKILL)  # noqa: SLF001


def test_a_caller_that_stops_reading_early_leaves_no_helper_behind():
    slips = _slips(12)
    with Renderers[int](2) as renderers:
        pids = [process.pid for process in renderers._processes]  # noqa: SLF001
        for n, _ in renderers.in_order((n, form06_control_slip.render, (slip,)) for n, slip in enumerate(slips)):
            if n == 2:
                break  # the rest were sent and are not read
    assert not any(_alive(pid) for pid in pids)
