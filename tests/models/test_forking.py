"""A job in a forked child: its value, its exception, or — when the child dies — the job run here."""

from __future__ import annotations

import os
import signal

import pytest

from models.forking import Forked, InProcess
from models.retrain import TrainingError


def test_a_forked_job_hands_back_its_value_its_error_or_is_run_here_when_the_child_dies() -> None:
    parent = os.getpid()
    with Forked.start(lambda: ("child", os.getpid() != parent)) as job:
        assert job.result() == ("child", True)

    def fail() -> None:
        raise TrainingError("only one sub-tier")

    with Forked.start(fail) as job, pytest.raises(TrainingError, match="only one sub-tier"):
        job.result()

    def die_unless_here() -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "here"

    with Forked.start(die_unless_here) as job:
        assert job.result() == "here"


def test_a_job_in_process_runs_once_when_its_result_is_asked_for() -> None:
    calls: list[int] = []
    with InProcess(lambda: calls.append(1) or len(calls)) as job:
        assert calls == []
        assert job.result() == 1 and job.result() == 1 and calls == [1]


def test_a_child_whose_result_is_not_collected_is_killed_when_the_block_ends() -> None:
    import time

    with Forked.start(lambda: time.sleep(60)) as job:
        proc = job._proc
        assert proc.is_alive()
    assert not proc.is_alive() and proc.exitcode == -signal.SIGKILL
