"""The embedding model's child process: it computes what the model computes in-process,
takes only CPU time nobody else wants, and a child that dies is replaced."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

from app.themes import model
from app.themes.background import BackgroundProcess
from tests.test_themes import NEEDS_MODEL


@pytest.fixture
def background() -> Iterator[BackgroundProcess]:
    process = BackgroundProcess()
    yield process
    process.close()


@NEEDS_MODEL
def test_the_child_embeds_as_the_model_does_in_process(background: BackgroundProcess) -> None:
    texts = ["Ohjauksen saatavuus verkossa", "Yhteistyö oppilaitosten kanssa"]
    assert np.allclose(background.embed(texts), model.embed(texts), atol=1e-6)
    assert background.embed([]).shape == (0, model.DIMENSIONS)


@pytest.mark.skipif(sys.platform != "linux", reason="SCHED_IDLE is Linux's")
def test_the_child_runs_only_on_cpu_time_nobody_else_wants(
    background: BackgroundProcess,
) -> None:
    assert background.call(os.getpid) != os.getpid()
    assert background.call(os.sched_getscheduler, 0) == os.SCHED_IDLE
    assert background.call(os.getpriority, os.PRIO_PROCESS, 0) == 19


def test_a_child_that_dies_is_replaced_by_the_next_call(background: BackgroundProcess) -> None:
    first = background.call(os.getpid)
    os.kill(first, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        background.call(os.getpid)
    assert background.call(os.getpid) not in (first, os.getpid())
