"""Load test of the Train page: N sessions press Train at once (while others step the explorer).

Used by tools/loadtest.py (`--trainers N`). A trainer session, over Streamlit's websocket protocol:
1. opens the Train page;
2. presses Train (the button labelled Train or Resume), as the lecturer says "everyone press Train";
3. then behaves as the browser does for a fragment with ``run_every``: each ``auto_rerun`` message
   names a fragment and an interval, and the session sends that fragment's rerun on that interval;
4. reads every run's progress bar ("… step 1,234 …"), the loss in the caption above the charts
   ("… loss 3.210 nats per token …"), the speed the page says it gets ("you get ~12 steps/s") and a
   queue place when admission queued it ("You are number 3 in the queue"): time to first feedback,
   to the first step, to the loss falling below its first value, the queue places seen, steps/s;
5. after ``--train-seconds`` presses Stop (its latency: the click's script run), then runs the page
   once more and checks that the step shown did not move (nothing trained after Stop).

``--train-speed`` chooses the page's Speed ("watch", the default, or "fast") through the URL.

Pure helpers (text parsing, summaries) are tested in tests/unit/test_loadtest_train.py.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from dataclasses import dataclass, field

from visualizer.ui.compat import ForwardMsg

STEP = re.compile(r"\bstep ([\d,]+)", re.I)
AHEAD = re.compile(
    r"(?:waiting for a free trainer\W+(?:(\d+) ahead|next in line)|you are (?:number (\d+) in the queue|(next in line)))",
    re.I,
)
LOSS = re.compile(r"\bloss ([\d.]+) nats per token(?: \(([\d.]+) at step [\d,]+\))?")
SAID_RATE = re.compile(r"(?:you get|training at) ~([\d.]+) steps/s", re.I)


def progress_step(text: str) -> int | None:
    """The step count a progress bar's text shows ('Training: step 1,234 (…)' -> 1234), else None."""
    m = STEP.search(text)
    return int(m.group(1).replace(",", "")) if m else None


def queue_ahead(text: str) -> int | None:
    """Sessions ahead in the trainer queue ('… — 3 ahead' -> 3, '… next in line' -> 0), else None."""
    m = AHEAD.search(text)
    if not m:
        return None
    if m.group(2):  # "number 3 in the queue": two ahead
        return int(m.group(2)) - 1
    return int(m.group(1)) if m.group(1) else 0


def caption_loss(text: str) -> float | None:
    """The loss a caption states ('… loss 3.210 nats per token …' -> 3.21), else None."""
    m = LOSS.search(text)
    return float(m.group(1)) if m else None


def caption_first_loss(text: str) -> float | None:
    """The first loss of the run a caption states ('… per token (4.094 at step 1) …' -> 4.094), else None."""
    m = LOSS.search(text)
    return float(m.group(2)) if m and m.group(2) else None


def said_rate(text: str) -> float | None:
    """The speed the page says this student gets ('… you get ~12 steps/s.' -> 12.0), else None."""
    m = SAID_RATE.search(text)
    return float(m.group(1)) if m else None


def is_train_button(label: str) -> bool:
    """The button that starts training: 'Train', 'Train from scratch' or 'Resume'."""
    low = label.strip().lower()
    return low == "resume" or (low.startswith("train") and "trained" not in low)


@dataclass
class TrainerResult:
    index: int
    replica: str = ""
    load_ms: float | None = None
    first_feedback_ms: float | None = None  # press Train -> progress or queue position on the page
    first_progress_ms: float | None = None  # press Train -> first step count above zero
    loss_fall_ms: float | None = None  # press Train -> a loss below the first loss shown
    queue_positions: list[int] = field(default_factory=list)
    steps: list[tuple[float, int]] = field(default_factory=list)  # (seconds since Train, step count)
    losses: list[float] = field(default_factory=list)
    said_rates: list[float] = field(default_factory=list)  # steps/s the page said this student gets
    stop_ms: float | None = None
    stop_step: int | None = None  # the step the page showed after Stop
    after_stop_step: int | None = None  # ... and on the next run of the page
    errors: list[str] = field(default_factory=list)

    @property
    def steps_per_s(self) -> float:
        """Steps per second from the first step count seen to the first time the highest was seen (a run that
        reached its length stops there: its idle end is not counted); NaN with fewer than two."""
        if len(self.steps) < 2:
            return math.nan
        top = max(s for _, s in self.steps)
        (t0, s0), (t1, s1) = self.steps[0], next(p for p in self.steps if p[1] == top)
        return (s1 - s0) / (t1 - t0) if t1 > t0 else math.nan

    @property
    def final_steps(self) -> int:
        return self.steps[-1][1] if self.steps else 0


@dataclass
class RunSeen:
    """What one run of the Train page (or its fragment) showed."""

    status: int = -1
    step: int | None = None
    ahead: int | None = None
    loss: float | None = None
    first_loss: float | None = None  # the curve's first loss, as the caption states it
    rate: float | None = None
    auto: dict[str, float] = field(default_factory=dict)  # fragment id -> interval (s)
    stopped: set[str] = field(default_factory=set)
    buttons: dict[str, str] = field(default_factory=dict)  # label -> widget id
    errors: list[str] = field(default_factory=list)


def inspect_message(msg: ForwardMsg, seen: RunSeen) -> None:
    """Fold one forward message into what the run showed."""
    kind = msg.WhichOneof("type")
    if kind == "auto_rerun":
        seen.auto[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
    elif kind == "stop_auto_rerun":
        seen.stopped |= set(msg.stop_auto_rerun.fragment_ids)
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        el = msg.delta.new_element
        ekind = el.WhichOneof("type")
        texts = []
        if ekind == "progress":
            texts.append(el.progress.text)
        elif ekind in ("alert", "markdown"):
            texts.append(getattr(el, ekind).body)
        if ekind == "exception":
            seen.errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}")
        elif ekind == "alert" and el.alert.format == 1:
            seen.errors.append(f"error message: {el.alert.body[:200]}")
        elif ekind == "button":
            seen.buttons[el.button.label] = el.button.id
        for text in texts:
            if (s := progress_step(text)) is not None and ekind == "progress":
                seen.step = s
            if (a := queue_ahead(text)) is not None:
                seen.ahead = a
            if (loss := caption_loss(text)) is not None:
                seen.loss, seen.first_loss = loss, caption_first_loss(text)
                if seen.step is None:  # the caption's "Step N ·" when no progress bar (after Stop)
                    seen.step = progress_step(text)
            if (r := said_rate(text)) is not None:
                seen.rate = r


async def run_trainer(url: str, index: int, page_name: str, args, start_delay: float = 0.0) -> TrainerResult:
    """One student on the Train page: open, press Train, follow the fragment's reruns, press Stop; never raises.

    `url` is the server's (or the balancer's) base URL; see loadtest.open_ws.
    """
    from tools.loadtest_session import build_rerun, open_ws
    from visualizer.ui.compat import WidgetState

    result = TrainerResult(index)
    await asyncio.sleep(start_delay)
    page_hash = ""
    query = "speed=fast" if getattr(args, "train_speed", "watch") == "fast" else ""

    async def run(widgets=(), fragment_id: str = "", auto: bool = False) -> tuple[float, RunSeen]:
        nonlocal page_hash, query
        payload = build_rerun(
            query,
            page_script_hash=page_hash,
            page_name="" if page_hash else page_name,
            fragment_id=fragment_id,
            widgets=widgets,
            is_auto_rerun=auto,
        )
        seen = RunSeen()
        start = time.perf_counter()
        await ws.send(payload)

        async def read() -> None:
            nonlocal page_hash, query
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await ws.recv())
                kind = msg.WhichOneof("type")
                if kind == "navigation":
                    page_hash = msg.navigation.page_script_hash
                elif kind == "page_info_changed":
                    query = msg.page_info_changed.query_string
                elif kind == "script_finished":
                    if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        seen.status = msg.script_finished
                        return
                else:
                    inspect_message(msg, seen)

        await asyncio.wait_for(read(), args.timeout)
        return (time.perf_counter() - start) * 1000, seen

    try:
        ws, result.replica = await open_ws(url, args)
        async with ws:
            result.load_ms, seen = await run()
            result.errors += seen.errors
            buttons = dict(seen.buttons)
            train_id = next((wid for label, wid in buttons.items() if is_train_button(label)), None)
            if train_id is None:
                raise RuntimeError(f"no Train button on the page (buttons: {sorted(seen.buttons)})")
            t_press = time.perf_counter()
            auto: dict[str, float] = {}

            def note(seen: RunSeen) -> None:
                now = time.perf_counter() - t_press
                result.errors.extend(e for e in seen.errors if e not in result.errors)
                if seen.step is not None or seen.ahead is not None:
                    result.first_feedback_ms = result.first_feedback_ms or now * 1000
                if seen.step is not None:
                    if seen.step > 0:
                        result.first_progress_ms = result.first_progress_ms or now * 1000
                    result.steps.append((now, seen.step))
                if seen.loss is not None:
                    start = seen.first_loss if seen.first_loss is not None else (result.losses or [math.inf])[0]
                    if seen.loss < start:  # below where its curve began: the student sees the loss fall
                        result.loss_fall_ms = result.loss_fall_ms or now * 1000
                    result.losses.append(seen.loss)
                if seen.rate is not None:
                    result.said_rates.append(seen.rate)
                if seen.ahead is not None:
                    result.queue_positions.append(seen.ahead)
                for fid in seen.stopped:
                    auto.pop(fid, None)
                auto.update(seen.auto)
                buttons.update(seen.buttons)

            _, seen = await run([WidgetState(id=train_id, trigger_value=True)])
            note(seen)
            deadline = t_press + args.train_seconds
            while auto and time.perf_counter() < deadline:
                fid, interval = next(iter(auto.items()))
                await asyncio.sleep(interval)
                _, seen = await run(fragment_id=fid, auto=True)
                note(seen)
            stop_id = buttons.get("Stop")
            if stop_id is None:
                result.errors.append("no Stop button on the page")
            else:
                result.stop_ms, seen = await run([WidgetState(id=stop_id, trigger_value=True)])
                result.errors.extend(e for e in seen.errors if e not in result.errors)
                result.stop_step = seen.step
                _, seen = await run()  # the page once more: nothing may have trained after Stop
                result.after_stop_step = seen.step
    except TimeoutError:
        result.errors.append(f"a script run took longer than {args.timeout:g} s")
    except Exception as err:  # a load test reports every failure instead of stopping
        result.errors.append(f"{type(err).__name__}: {err}")
    return result


def summarize_trainers(results: list[TrainerResult], feedback_target_ms: float = 2000.0) -> dict:
    """Figures for the trainer sessions: feedback, first progress, loss falling, steps, fairness, Stop."""
    from tools.loadtest_report import percentile

    feedback = [r.first_feedback_ms for r in results if r.first_feedback_ms is not None]
    first = [r.first_progress_ms for r in results if r.first_progress_ms is not None]
    fall = [r.loss_fall_ms for r in results if r.loss_fall_ms is not None]
    rates = [r.steps_per_s for r in results if not math.isnan(r.steps_per_s)]
    steps = [r.final_steps for r in results]
    stops = [r.stop_ms for r in results if r.stop_ms is not None]
    mean_steps = sum(steps) / len(steps) if steps else math.nan
    return {
        "trainers": len(results),
        "trainer_feedback_p50_ms": round(percentile(feedback, 50), 1),
        "trainer_feedback_p95_ms": round(percentile(feedback, 95), 1),
        "trainer_feedback_max_ms": round(max(feedback, default=math.nan), 1),
        "trainers_feedback_in_time": sum(
            r.first_feedback_ms is not None and r.first_feedback_ms <= feedback_target_ms for r in results
        ),
        "trainer_first_progress_p50_ms": round(percentile(first, 50), 1),
        "trainer_first_progress_max_ms": round(max(first, default=math.nan), 1),
        "trainer_loss_fall_max_ms": round(max(fall, default=math.nan), 1),
        "trainers_loss_fell_within_5s": sum(r.loss_fall_ms is not None and r.loss_fall_ms <= 5000 for r in results),
        "trainers_progressed": sum(r.final_steps > 0 for r in results),
        "trainers_queued": sum(bool(r.queue_positions) for r in results),
        "trainer_queue_max_ahead": max((max(r.queue_positions) for r in results if r.queue_positions), default=0),
        "trainer_steps_per_s_min": round(min(rates, default=math.nan), 1),
        "trainer_steps_per_s_median": round(percentile(rates, 50), 1),
        "trainer_steps_per_s_max": round(max(rates, default=math.nan), 1),
        "trainer_steps_per_s_total": round(sum(rates), 1),
        "trainer_fastest_over_slowest": round(max(rates) / min(rates), 2) if rates and min(rates) > 0 else math.nan,
        "trainer_steps_per_student": steps,
        "trainer_steps_max_dev_from_mean": round(max(abs(s - mean_steps) for s in steps) / mean_steps, 3)
        if steps and mean_steps > 0
        else math.nan,
        "trainer_said_rate_median": round(percentile([r.said_rates[-1] for r in results if r.said_rates], 50), 1),
        "trainer_stop_p50_ms": round(percentile(stops, 50), 1),
        "trainer_stop_p95_ms": round(percentile(stops, 95), 1),
        "trainer_stop_max_ms": round(max(stops, default=math.nan), 1),
        "trainers_stopped_exactly": sum(r.stop_step is not None and r.stop_step == r.after_stop_step for r in results),
        "trainer_errors": sum(len(r.errors) for r in results),
        "trainer_first_error": next((e for r in results for e in r.errors), ""),
    }
