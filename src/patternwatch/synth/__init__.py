"""Synthetic force generator (issue 3): seeded, calibrated stalking data with ground truth.

``generate_force`` writes a force into a database; ``scenario.generate`` is the pure,
database-free stream it writes from. The pure modules import nothing from the database layer, so
importing this package stays light until ``generate_force`` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from patternwatch.synth.service import GenerationSummary, generate_force

__all__ = ["GenerationSummary", "generate_force"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from patternwatch.synth import service

        return getattr(service, name)
    raise AttributeError(name)
