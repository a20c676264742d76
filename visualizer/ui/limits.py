"""The "Limits of memory" page: vanilla RNN, LSTM and GRU raced live on a long-lag task, the shipped
success-vs-lag sweep beside the gradient at the start, and the sequential limit measured on this server.

The race (visualizer.labs.long_lags.longlag.Race) lives in session state and advances in chunks inside an
st.fragment that reruns every LIMITS_RUN_EVERY seconds while training, like the Train page.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import streamlit as st

from visualizer import ASSETS
from visualizer.content import race_notes, seqlimit_notes
from visualizer.labs.long_lags import lagtasks, longlag, seqlimit
from visualizer.nn import cells
from visualizer.plots import limits_figures as lf
from visualizer.settings import Settings
from visualizer.ui import controls as shared
from visualizer.ui.binding import control, current, presenting
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

LIMITS_RUN_EVERY = 0.75  # seconds between chunks while training: Stop answers within a chunk
LIMITS_CHUNK_SECONDS = 0.6  # wall time spent training in one chunk (three cells per step)
# The sweep's two charts: taller in presenter mode, where the larger axis text and legend take room from the plot
# (the task line folds into an expander there, so they still fit 1280x720 under the controls).
SWEEP_HEIGHT, SWEEP_HEIGHT_PRESENTING = 250, 270
SWEEP_PATH = ASSETS / "models" / longlag.SWEEP_FILE
_RACE, _RUNNING, _MSG, _LOCK = "lim_race", "lim_running", "lim_msg", "lim_lock"
EXPECT = (
    "Press **Train** to race a vanilla RNN, an LSTM and a GRU on the same sequences. At the default lag (60) "
    "the two gated cells solve the task within a few hundred steps; the vanilla RNN stays near chance."
)


def config(s: Settings) -> longlag.LagConfig:
    """The race the current settings describe (batch, test set and evaluation interval fixed)."""
    return longlag.LagConfig(
        task=s.lag_task,
        lag=s.lag,
        hidden=s.lag_hidden,
        steps=s.lag_steps,
        lr=s.lag_lr,
        clipnorm=s.lag_clip,
        keep_bias=s.keep_bias,
        seed=s.seed,
    )


# ---------------------------------------------------------------------------- buttons


def _start(cfg: longlag.LagConfig) -> None:
    """Train / Resume (a callback): a new race when there is none or the settings changed, then run."""
    ss = st.session_state
    race = ss.get(_RACE)
    if race is None or race.config != cfg:
        try:
            race = longlag.Race(cfg)
        except ValueError as err:
            ss[_MSG] = str(err)
            return
    ss[_RACE], ss[_RUNNING] = race, not race.done


def _race_lock() -> threading.Lock:
    """The session's lock around a training step: a chunk may still be training in a fragment run when Stop's
    run starts (Streamlit does not interrupt plain Python), so Stop takes the lock and the chunk checks the flag
    before every step."""
    return st.session_state.setdefault(_LOCK, threading.Lock())


def _stop() -> None:
    with _race_lock():
        st.session_state[_RUNNING] = False


def _reset() -> None:
    with _race_lock():
        for key in (_RACE, _RUNNING):
            st.session_state.pop(key, None)


def controls() -> bool:
    """Task, lag and the buttons in the main area; the shared budget in the sidebar. Returns whether training runs."""
    with st.sidebar:  # bounds come from the settings table
        st.subheader("The same budget for all three")
        control("lag_hidden", st.slider, "Hidden size H", step=4)
        control("lag_steps", st.slider, "Training steps", step=50)
        control("lag_lr", st.number_input, "Adam learning rate", format="%.4f")
        control("lag_clip", st.number_input, "Clip: largest gradient norm")
        control(
            "keep_bias",
            st.slider,
            "Gate bias at the start",
            step=0.5,
            help="The LSTM's forget gate and the GRU's update gate start at σ(b): b = 3 keeps 95 % of the state per step",
        )
        shared.seed()
    ss = st.session_state
    race = ss.get(_RACE)
    running = bool(ss.get(_RUNNING)) and race is not None
    task_col, lag_col, go_col, stop_col, reset_col = st.columns([2.2, 2.4, 1.3, 1.1, 1.1], vertical_alignment="bottom")
    control("lag_task", task_col.selectbox, "Task", format_func=lagtasks.TASK_LABELS.get)
    control("lag", lag_col.slider, "Lag L")
    cfg = config(current())
    fresh = race is None or race.config != cfg
    finished = race is not None and not fresh and race.done
    go_col.button(
        "Train" if fresh else "Resume",
        icon=":material/play_arrow:",
        on_click=_start,
        args=(cfg,),
        type="primary",
        disabled=running or finished,
        width="stretch",
    )
    stop_col.button("Stop", icon=":material/pause:", on_click=_stop, disabled=not running, width="stretch")
    reset_col.button("Reset", icon=":material/restart_alt:", on_click=_reset, disabled=race is None, width="stretch")
    if msg := ss.pop(_MSG, None):
        show_error(msg)
    if presenting():  # one line, not four: the controls and the sweep fit one projector screen
        with st.expander("The task, the budget, what to expect"):
            st.caption(_budget_line(cfg) + _task_line(cfg))
            if race is None:
                st.caption(EXPECT)
    else:
        st.caption(_budget_line(cfg) + _task_line(cfg))
    if race is not None and fresh and not running:
        st.info("The settings changed since this run: **Train** starts a new one with the same data for all three.")
    return running


def _budget_line(cfg: longlag.LagConfig) -> str:
    return (
        f"Same budget: H = {cfg.hidden}, {cfg.batch} fresh sequences per step, {cfg.steps:,} steps, Adam "
        f"(lr {cfg.lr:g}), gradient clipped to norm ≤ {cfg.clipnorm:g}, gate bias {cfg.keep_bias:g}, seed {cfg.seed}. "
    )


def _task_line(cfg: longlag.LagConfig) -> str:
    if cfg.task == "first":
        return (
            f"Task: read one of {lagtasks.CLASSES} class symbols, then {cfg.lag} random distractors; name the class "
            f"at the end (chance {1 / lagtasks.CLASSES:.0%}; solved at {lagtasks.SOLVED_ACCURACY:.0%})."
        )
    return (
        f"Task: {cfg.lag} numbers in [0, 1], two of them marked (one in each half); output their sum at the end "
        f"(always answering the mean: MSE ≈ 0.167; solved below a tenth of that)."
    )


# ---------------------------------------------------------------------------- the live race


def race_panel(running: bool) -> None:
    """A fragment that advances the race one chunk per run while training, then draws it."""
    st.fragment(_race_panel, run_every=LIMITS_RUN_EVERY if running else None)()


def _race_panel() -> None:
    ss = st.session_state
    race: longlag.Race | None = ss.get(_RACE)
    if race is None:
        if not presenting():  # presenter mode: in the task's expander (controls)
            st.caption(EXPECT)
        return
    if not ss.get(_RUNNING):
        with _race_lock():  # a stopped chunk finishes its step first: the picture is the final one
            _race_view(race)
        return
    # Draw first, then train: what is on screen was sent in this run, so Streamlit does not grey it out as
    # stale while the chunk trains (the picture trails the model by one chunk).
    cfg = race.config
    st.progress(race.step_count / cfg.steps, text=f"Training: step {race.step_count:,} of {cfg.steps:,}")
    _race_view(race)
    t0, lock = time.perf_counter(), _race_lock()
    while not race.done and time.perf_counter() - t0 < LIMITS_CHUNK_SECONDS:
        with lock:
            if not ss.get(_RUNNING):  # Stop pressed while this chunk trained: not one step more
                return
            race.advance(1)
    if race.done:
        ss[_RUNNING] = False
        st.rerun()  # the whole page: the final picture, the buttons, the sweep's live point


def _race_view(race: longlag.Race) -> None:
    cfg, spec = race.config, race.spec
    solved_level = lagtasks.SOLVED_ACCURACY if spec.kind == "class" else lagtasks.SOLVED_MSE_SHARE * race.baseline
    curves = {name: (run.eval_steps, run.eval_values) for name, run in race.runs.items()}
    show_fig(
        lf.race_figure(
            curves,
            metric=spec.metric,
            baseline=race.baseline,
            solved_level=solved_level,
            steps=cfg.steps,
            lag=cfg.lag,
        ),
        key="lim_race_fig",
    )
    prefix = "" if race.done else "So far: "
    st.markdown(f"**{prefix}{md_escape(race_notes.summary(race))}**")
    cols = st.columns(len(race.runs))
    fmt = "{:.0%}" if spec.kind == "class" else "{:.4f}"
    for col, (name, run) in zip(cols, race.runs.items()):
        solved = (
            f"solved at step {run.solved_at:,} after {run.solved_seconds:.1f} CPU s"
            if run.solved_at is not None and run.solved_seconds is not None
            else "not solved"
        )
        col.metric(
            f"{cells.CELLS[name].label}: best test {spec.metric}",
            fmt.format(run.best(spec.higher_is_better)),
            help="Best score on 512 held-out sequences so far",
        )
        col.caption(f"{solved}; {run.seconds:.1f} CPU seconds of training on this server.")


# ---------------------------------------------------------------------------- sweep and gradient


@st.cache_data(max_entries=2, ttl=3600, show_spinner=False)
def _sweep_cached(path: str, mtime: float) -> dict | None:
    """The shipped sweep; mtime is only a cache key, so a regenerated file is read again."""
    return longlag.load_sweep(Path(path))


def sweep_panel() -> None:
    """The shipped success-vs-lag curve (with the live run's point) beside ||dL/dh_1|| against L."""
    task = current().lag_task
    mtime = SWEEP_PATH.stat().st_mtime if SWEEP_PATH.exists() else 0.0
    data = _sweep_cached(str(SWEEP_PATH), mtime)
    result = (data or {}).get(task)
    st.subheader("Success against the lag")
    if result is None:
        st.warning("The precomputed sweep is missing: run `python -m visualizer.pretrain longlag` to make it.")
        return
    spec = lagtasks.SPECS[task]
    race: longlag.Race | None = st.session_state.get(_RACE)
    live = live_lag = None
    if race is not None and race.config.task == task and race.step_count:
        live = {name: run.best(spec.higher_is_better) for name, run in race.runs.items()}
        live_lag = race.config.lag
    sweep_height = SWEEP_HEIGHT_PRESENTING if presenting() else SWEEP_HEIGHT
    left, right = st.columns(2)
    with left:
        show_fig(
            lf.sweep_figure(
                result["lags"],
                {n: row["best"] for n, row in result["cells"].items()},
                metric=spec.metric,
                baseline=result["baseline"],
                live=live,
                live_lag=live_lag,
                height=sweep_height,
            ),
            key="lim_sweep_fig",
        )
        st.caption(_sweep_caption(result) + (" Stars: your run." if live else ""))
    with right:
        show_fig(
            lf.gradient_lag_figure(result["gradient_lags"], result["gradient"], height=sweep_height), key="lim_grad_fig"
        )
        st.caption(
            "How much of the final error reaches the clue before any training: the mean of ‖∂L/∂h₁‖ over 64 "
            "sequences, with the starting weights of the race. For the vanilla RNN it shrinks by a roughly "
            "constant factor per step of lag, so at long lags almost no signal says *what the first step should "
            "have stored*; the gated cells' additive state keeps far more of it."
        )


def _sweep_caption(result: dict) -> str:
    cfg = result["config"]
    largest = longlag.largest_solved(result)
    parts = [f"{cells.CELLS[n].label} {'L = ' + str(v) if v is not None else 'none'}" for n, v in largest.items()]
    return (
        f"Precomputed by `python -m visualizer.pretrain longlag` with the default budget ({cfg['steps']:,} steps, "
        f"H = {cfg['hidden']}, seed {cfg['seed']}; a cell stops once solved); the whole sweep took "
        f"{result['seconds']:.0f} CPU seconds on one core. Largest lag solved: " + ", ".join(parts) + "."
    )


# ---------------------------------------------------------------------------- the sequential limit


@st.cache_data(max_entries=1, ttl=3600, show_spinner="Timing the two layers on this server…")
def _timing_cached() -> seqlimit.Timing:
    return seqlimit.measure()


def sequential_panel() -> None:
    """Time to the output at T against T, for the RNN and a layer with no memory; the paragraph on attention."""
    st.subheader("The other limit: an RNN is slow")
    t = _timing_cached()
    left, right = st.columns([3, 2])
    with left:
        show_fig(lf.timing_figure(t.lengths, t.loop_seconds, t.last_seconds), key="lim_time_fig")
        st.caption(seqlimit_notes.timing_caption(t))
    right.markdown(SEQUENTIAL_TEXT)


SEQUENTIAL_TEXT = """
To compute h_t the cell needs h_(t−1), so step t cannot start before step t−1 has finished: the T steps of a
sequence run one after another, and more cores (or a GPU's thousands) cannot shorten that chain, whose time grows in
proportion to T. A layer that transforms every position independently computes all T positions in one matrix
product. On one core it does the same arithmetic faster (one large call instead of T small ones); with more cores
its rows are computed side by side, which the loop's steps never can be. But such a layer has **no memory**: its
output at T sees x_T only, so on its own it is no replacement for the RNN. This is why
**attention** replaced recurrence for long sequences: in the Transformer (Vaswani et al., 2017) every position reads
every other (earlier) position directly, with weights computed by a few matrix products over the whole sequence.
Training runs in parallel over positions, and two distant positions are one step apart instead of L, so the error
signal between them does not pass through a long chain of Jacobians. The price: comparing all pairs costs time and
memory that grow with T².
"""

CITATIONS = (
    "Bengio, Simard & Frasconi (1994), *Learning long-term dependencies with gradient descent is difficult*, "
    "IEEE Transactions on Neural Networks 5(2), showed a trade-off: a recurrent network that stores information "
    "robustly is in a regime where the gradient from far back shrinks exponentially with the lag, so gradient descent "
    "finds long-range dependencies ever harder to learn. Hochreiter & Schmidhuber (1997), *Long short-term memory*, "
    "Neural Computation 9(8), gave the memory cell a self-connection of weight 1 that carries the error back "
    "unchanged; among their long-lag experiments the LSTM solved the adding problem with minimal lags of 50, 250 and "
    "500 steps. The LSTM here has the forget gate added by Gers, Schmidhuber & Cummins (2000); the GRU is from "
    "Cho et al. (2014)."
)
