"""Make the rows (and truth files) for a run: in this process, or in a second one.

``produce(job)`` runs the scenario, turns each case into database rows (``rows.RowBuilder``) and
truth rows, and yields ``("rows", [(table, n, payload), ...], crimes so far)`` batches, then
``("done", stats, None)``. The process that owns the database only writes the batches. For a
large run service.py starts ``python -m patternwatch.synth.producer`` (a plain subprocess, so it
works whatever the caller's ``__main__`` is), sends the job as JSON on stdin and reads pickled
messages from stdout: the scenario is made on the other core while this one writes. The pipe's
buffer bounds memory (the producer waits while the writer is behind). Pickles only ever travel
from this child to the parent that started it.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from patternwatch.synth.rows import RowBuilder, Targets
from patternwatch.synth.safeguarding import SafeguardingData
from patternwatch.synth.scenario import ScenarioConfig, State, generate

Message = tuple[str, Any, Any]


@dataclass(frozen=True)
class Job:
    config: ScenarioConfig
    targets: Targets
    truth_dir: Path | None
    batch_rows: int = 5000

    def encode(self) -> str:
        c, t = self.config, self.targets
        return json.dumps(
            {
                "crimes": c.crimes,
                "seed": c.seed,
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "reserved_usernames": sorted(c.reserved_usernames),
                "dialect": t.dialect,
                "max_ids": t.max_ids,
                "classification_ids": t.classification_ids,
                "outcome_ids": t.outcome_ids,
                "safeguarding": t.safeguarding.to_json() if t.safeguarding else None,
                "truth_dir": str(self.truth_dir) if self.truth_dir else None,
                "batch_rows": self.batch_rows,
            }
        )

    @classmethod
    def decode(cls, payload: str) -> Job:
        d: dict[str, Any] = json.loads(payload)
        return cls(
            config=ScenarioConfig(
                crimes=d["crimes"],
                seed=d["seed"],
                start=date.fromisoformat(d["start"]),
                end=date.fromisoformat(d["end"]),
                reserved_usernames=frozenset(d["reserved_usernames"]),
            ),
            targets=Targets(
                dialect=d["dialect"],
                max_ids=d["max_ids"],
                classification_ids=d["classification_ids"],
                outcome_ids=d["outcome_ids"],
                safeguarding=(
                    SafeguardingData.from_json(d["safeguarding"]) if d["safeguarding"] else None
                ),
            ),
            truth_dir=Path(d["truth_dir"]) if d["truth_dir"] else None,
            batch_rows=d["batch_rows"],
        )


def produce(job: Job) -> Iterator[Message]:
    """The run's row batches in order, then its statistics."""
    from patternwatch.synth.truth import TruthWriter

    state = State(job.config)
    builder = RowBuilder(job.targets, window_end=job.config.end)
    truth = (
        TruthWriter(job.truth_dir, job.targets.base, state.clock.local_date)
        if job.truth_dir
        else None
    )
    done = duplicates = series = 0
    try:
        for case in generate(job.config, state):
            builder.add(case)
            if truth is not None:
                truth.add(case)
            done += len(case.crimes)
            duplicates += sum(1 for p in case.people if p.variant != "original")
            series += case.series is not None
            if builder.pending >= job.batch_rows:
                yield ("rows", builder.take(), done)
        yield ("rows", builder.take(), done)
    finally:
        if truth is not None:
            truth.close()
    yield (
        "done",
        {"true_people": state.keys["true"], "duplicates": duplicates, "series": series},
        None,
    )


def main() -> None:
    job = Job.decode(sys.stdin.read())
    out = sys.stdout.buffer
    for message in produce(job):
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


if __name__ == "__main__":
    main()
