"""The second-process producer: the job survives the trip; a failing child is reported."""

from __future__ import annotations

from datetime import date

import pytest

from patternwatch.synth.producer import Job
from patternwatch.synth.rows import ID_TABLES, Targets
from patternwatch.synth.scenario import ScenarioConfig
from patternwatch.synth.service import _second_process


def _job(classification_ids: dict[str, int]) -> Job:
    return Job(
        config=ScenarioConfig(
            crimes=50,
            seed=4,
            start=date(2024, 1, 1),
            end=date(2024, 12, 31),
            reserved_usernames=frozenset({"pc.smith"}),
        ),
        targets=Targets(
            dialect="sqlite",
            max_ids=dict.fromkeys(ID_TABLES, 3),
            classification_ids=classification_ids,
            outcome_ids={"1": 2},
        ),
        truth_dir=None,
        batch_rows=1000,
    )


def test_job_round_trip() -> None:
    job = _job({"8Q": 1, "8L": 2})
    assert Job.decode(job.encode()) == job


def test_a_failing_child_is_reported() -> None:
    # No classification ids: the child fails on the first crime and says why.
    with pytest.raises(RuntimeError, match="KeyError"):
        list(_second_process(_job({})))
