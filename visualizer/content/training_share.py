"""What the Train page says about the server's shared trainers, built from the scheduler's own numbers.

Three cases, decided by the numbers (each flips in a unit test):
- alone: this student is the only one training -> their speed only;
- shared: others train too -> how many, and the speed this student gets;
- queued: the workers cannot give everyone the slowest useful pace -> the queue place, and why.
"""

from __future__ import annotations

from typing import Literal


def speed(steps_per_s: float) -> str:
    """'12 steps/s', '3.5 steps/s', 'under 0.1 steps/s'."""
    if steps_per_s < 0.1:
        return "under 0.1 steps/s"
    return f"{steps_per_s:.0f} steps/s" if steps_per_s >= 10 else f"{steps_per_s:.1f} steps/s"


def share_sentence(
    state: Literal["training", "queued", "gone"],
    training: int,
    steps_per_s: float,
    *,
    place: int | None = None,
    min_pace: float = 2.0,
    measured: bool = True,
) -> str:
    """The sentence under the progress bar. `training` counts every student training now (this one included
    when it trains); `measured` is False before this student's first chunk came back."""
    if state == "queued":
        others = f"{training} student{'s are' if training != 1 else ' is'} training"
        where = "next in line" if place == 1 else f"number {place} in the queue"
        return (
            f"The server is full: {others}, and one more would leave someone below {speed(min_pace)}, the slowest "
            f"pace worth watching. You are {where}; your training starts by itself. Stop leaves the queue."
        )
    if state != "training":
        return "Your training is not running on the server any more: press Stop, then Resume."
    if training <= 1:
        return (
            f"Training at ~{speed(steps_per_s)}: you are the only one training on this server."
            if measured
            else ("Starting…")
        )
    if not measured:
        return f"{training} students are training on this server; yours is starting."
    return f"{training} students are training on this server; you get ~{speed(steps_per_s)}."
