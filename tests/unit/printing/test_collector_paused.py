"""The cyclic collector is paused while a long register is laid out, and always given back as it was."""

import gc

import pytest

from printing import form07_logbook, samples
from printing.base import collector_paused


def test_it_is_off_inside_and_back_on_after_even_on_an_error():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the layout failed")
    assert gc.isenabled()


def test_it_leaves_a_collector_someone_else_turned_off_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_logbook_renders_with_it_paused(monkeypatch):
    seen = []
    real = form07_logbook._render

    def spy(data, paper):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(data, paper)

    monkeypatch.setattr(form07_logbook, "_render", spy)
    assert form07_logbook.render(samples.logbook(3)).startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()
