"""One line of a subject's trace: a human sentence and the rule it applies.

The JSON output carries only ``text`` (Vietnamese, for the minute and the projector); ``rule``
and ``numbers`` are the machine-friendly side, for the verifier and for tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TraceStep:
    """A step of the working: which rule, what it said, with which numbers."""

    rule: str
    """A stable identifier such as ``majority.cumulative`` or ``cap.sick_leave``."""
    text: str
    """The step in Vietnamese, numbers included."""
    numbers: tuple[tuple[str, int], ...] = ()
    """The numbers the step used, by name."""
