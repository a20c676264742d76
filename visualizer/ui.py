"""The one module of the library that imports Streamlit: settings <-> URL, shared widgets,
cached computations and safe message helpers. Pages call these; the maths and figures stay pure.

Settings flow (see state.py): on the first run of a page visit the URL's parameters are parsed
into the session's settings (bad ones fall back with a notice); widgets read from and write to
those settings; at the end of every run the settings are written back to the URL, so the address
bar always reproduces the view.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np

# Imported up front, under this module's import lock: Plotly looks pandas up with sys.modules.get()
# and no lock, so two sessions starting at once on a fresh server could otherwise see a half-imported
# pandas ("partially initialized module 'pandas' has no attribute 'Series'"; found by tools/loadtest.py).
import pandas  # noqa: F401
import streamlit as st

from visualizer import export, state
from visualizer.maths import cells, encoding, gradients, rnn, train
from visualizer.plots import diagrams, equations, figures, gradient_figures, train_figures
from visualizer.plots.figures import NO_TEMPLATE, PLOTLY_CONFIG

SETTINGS_KEY = "_settings"

# The site map: (script, label, icon, one-line description). Drawn by page_setup in the sidebar
# (Streamlit's automatic list is off in config.toml, so the entry script reads "Home", not "app").
NAV = [
    ("app.py", "Home", "🏠", "What an RNN is, with a live example."),
    (
        "pages/1_Explorer.py",
        "Step-through explorer",
        "🔍",
        "Watch the RNN read your sequence one step at a time: loop, chain, equations, heatmap.",
    ),
    (
        "pages/2_Sequence_types.py",
        "Sequence types",
        "🔀",
        "One-to-one, one-to-many, many-to-one, many-to-many and encoder–decoder, running.",
    ),
    (
        "pages/3_Gradients.py",
        "Vanishing & exploding gradients",
        "📉",
        "Back-propagation through time, measured, beside the theory; LSTM and GRU.",
    ),
    ("pages/4_Train.py", "Train live", "🏋️", "Train a small RNN on text and watch it learn to predict the next token."),
]
_ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def nav_pages():
    """NAV entries whose script exists."""
    return [entry for entry in NAV if (_ROOT / entry[0]).exists()]


def _site_map() -> None:
    """Links to every page in the sidebar. When a page runs as its own entry script (AppTest
    does this) the other pages are not registered and the links are simply left out."""
    from streamlit.errors import StreamlitAPIException

    for path, label, icon, _ in nav_pages():
        try:
            st.sidebar.page_link(path, label=label, icon=icon)
        except StreamlitAPIException:
            return


CACHE = dict(max_entries=64, ttl=3600)  # bounded: a lecture hall must not exhaust memory


# ---------------------------------------------------------------------------- text safety

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape Markdown so user text shows literally (Streamlit never gets raw HTML from us)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_error(err: Exception | str) -> None:
    st.error(md_escape(str(err)), icon="⚠️")


# ---------------------------------------------------------------------------- settings


def page_setup(page: str, title: str, icon: str = "🔁") -> dict[str, Any]:
    """Configure the page and return the session's settings (URL applied on a new visit)."""
    settings = st.session_state.setdefault(SETTINGS_KEY, state.defaults())
    present = settings.get("present") or st.query_params.get("present") in ("1", "true")
    st.set_page_config(
        page_title=f"{title} · RNN Visualizer",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    if st.session_state.get("_page") != page:
        # A new visit (or a fresh session): the URL speaks. Query params are cleared when the
        # user switches pages, so an empty URL keeps the session's settings.
        st.session_state["_page"] = page
        values, notices = state.parse(st.query_params.to_dict())
        settings.update(values)
        for key in list(st.session_state):  # widgets must show the URL's values, not stale ones
            if isinstance(key, str) and key.startswith("w_") and key[2:] in values:
                del st.session_state[key]
        st.session_state["_notices"] = notices
    _site_map()
    if st.session_state.get("_notices"):
        st.warning(
            "This link had settings that could not be used, so defaults were used instead:\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in st.session_state["_notices"]),
            icon="🔗",
        )
    _chrome_css(settings)
    return settings


# Our own constant CSS, never user text: presenter mode enlarges everything and drops chrome;
# ?hide=sidebar removes the sidebar for a locked-down classroom link.
_PRESENT_CSS = """<style>
html, .stMarkdown, .stCaption, p, li, label {font-size: 1.25rem !important;}
h1 {font-size: 3rem !important;} h2, h3 {font-size: 2rem !important;}
header[data-testid='stHeader'], [data-testid='stToolbar'], footer {display: none !important;}
.block-container {padding-top: 1rem !important; max-width: 100% !important;}
</style>"""
_NO_SIDEBAR_CSS = (
    "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none !important;}</style>"
)


def _chrome_css(settings: dict[str, Any]) -> None:
    if settings.get("present"):
        st.markdown(_PRESENT_CSS, unsafe_allow_html=True)
    if hidden(settings, "sidebar"):
        st.markdown(_NO_SIDEBAR_CSS, unsafe_allow_html=True)


def sync_url(settings: dict[str, Any]) -> None:
    """Draw the share/present panel, then write the non-default settings to the address bar.

    Called at the end of every page, after all widgets have updated the settings.
    """
    if not hidden(settings, "share"):
        share_panel(settings)
    write_url(settings)


def write_url(settings: dict[str, Any]) -> None:
    """The non-default settings into the address bar, only when they changed."""
    query = state.to_query(settings)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def hidden(settings: dict[str, Any], name: str) -> bool:
    """True when a classroom link hides this control (?hide=seed,act)."""
    return name in state.hidden_controls(settings)


def control(settings: dict[str, Any], name: str, widget: Callable, label: str, **kwargs) -> Any:
    """Draw one widget bound to a setting and return its value.

    The widget's key is 'w_<name>'; it starts from the setting's current value, and the
    setting follows the widget. A control hidden by a classroom link keeps its value.
    """
    spec = state.SETTINGS[name]
    if hidden(settings, name):
        return settings[name]
    key = f"w_{name}"
    if key not in st.session_state:
        st.session_state[key] = settings[name]
    value = widget(label, key=key, help=kwargs.pop("help", spec.help or None), **kwargs)
    settings[name] = spec.clamp(value) if spec.kind in ("int", "float", "choice") else value
    return settings[name]


def set_setting(settings: dict[str, Any], name: str, value: Any) -> None:
    """Change a setting from code (e.g. a step button) and keep its widget in step."""
    settings[name] = state.SETTINGS[name].clamp(value)
    st.session_state[f"w_{name}"] = settings[name]


_ACT_HELP = "f in h_t = f(W_hh h_(t-1) + W_xh x_t + b_h)"


def sequence_controls(settings: dict[str, Any], *, where=st.sidebar) -> None:
    """The sequence and model controls every page shares, drawn in the sidebar."""
    with where:
        st.subheader("Sequence")
        control(settings, "text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)
        control(
            settings,
            "mode",
            st.radio,
            "Split into",
            options=list(encoding.MODES),
            horizontal=True,
            format_func={"chars": "characters", "words": "words", "numbers": "numbers"}.get,
        )
        control(
            settings,
            "repr",
            st.radio,
            "x_t is",
            options=list(encoding.REPRESENTATIONS),
            horizontal=True,
            format_func={"onehot": "one-hot", "embedding": "embedding / value"}.get,
        )
        if settings["repr"] == "embedding" and settings["mode"] != "numbers":
            control(settings, "emb", st.slider, "Embedding size", min_value=2, max_value=32)
        st.subheader("Network")
        control(settings, "hidden", st.slider, "Hidden size H", min_value=2, max_value=64)
        control(settings, "act", st.selectbox, "Activation f", options=list(rnn.ACTIVATIONS), help=_ACT_HELP)
        control(settings, "scale", st.slider, "Weight scale", min_value=0.05, max_value=5.0, step=0.05)
        control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)


# ---------------------------------------------------------------------------- cached compute


@st.cache_data(**CACHE, show_spinner=False)
def encode_cached(text: str, mode: str, representation: str, emb: int, seed: int) -> encoding.Encoded:
    return encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed)


@st.cache_data(**CACHE, show_spinner=False)
def unroll_cached(text: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float):
    """Encode the text and run the untrained RNN over it: (Encoded, RNNParams, RNNTrace)."""
    enc = encode_cached(text, mode, representation, emb, seed)
    params = rnn.init_params(enc.X.shape[1], hidden, len(enc.vocab), seed=seed, scale=scale)
    return enc, params, rnn.forward(params, enc.X, activation=act)


def unroll(settings: dict[str, Any]):
    """(Encoded, params, trace) for the current settings, or None after showing why not."""
    s = settings
    try:
        return unroll_cached(s["text"], s["mode"], s["repr"], s["emb"], s["hidden"], s["seed"], s["act"], s["scale"])
    except ValueError as err:
        show_error(err)
        return None


def weights_fingerprint(params) -> str:
    """A cache key for weights that change in place of the same object (a model still training)."""
    return f"{id(params)}:" + ":".join(f"{float(np.sum(a)):.17g}" for a in params.as_dict().values())


def show_fig(fig, key: str | None = None) -> None:
    """A Plotly figure at full width; its camera button saves PNG or SVG at slide resolution."""
    fmt = st.session_state.get(SETTINGS_KEY, {}).get("fmt", "png")
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "format": fmt}}
    if fig.layout.template.to_plotly_json() != NO_TEMPLATE:
        # Streamlit themes the chart in the browser; Plotly's default template would otherwise be
        # deep-copied and sent with every figure (~7 KB and ~0.75 ms each, on every rerun).
        fig.update_layout(template=NO_TEMPLATE)
    st.plotly_chart(fig, width="stretch", config=config, key=key)


def overflow_note(trace: rnn.RNNTrace) -> None:
    if trace.overflowed:
        st.warning(
            "Overflow: some hidden values or outputs became infinite or NaN. With relu or linear and "
            "large weights the hidden state can grow without bound; lower the weight scale.",
            icon="💥",
        )


def trace_downloads(settings: dict[str, Any], make: Callable[[], dict], *, key: str = "trace") -> None:
    """CSV and JSON downloads of the current trace (inputs, hidden states, outputs, gradients).

    `make()` returns export.trace_table's keyword arguments; it runs only when a button is
    clicked (in Streamlit's download thread), so ordinary reruns pay nothing for it.
    """
    query = state.to_query(settings)
    _download_pair(
        "Trace",
        lambda: export.trace_csv(**make()),
        lambda: export.trace_json(**make(), settings=query),
        "rnn-trace",
        key,
    )


def table_downloads(settings: dict[str, Any], label: str, make: Callable[[], tuple], *, name: str, key: str) -> None:
    """CSV and JSON downloads of the (header, rows) table that `make()` returns when clicked."""
    query = state.to_query(settings)
    _download_pair(
        label, lambda: export.table_csv(*make()), lambda: export.table_json(*make(), settings=query), name, key
    )


def _download_pair(label: str, csv_text: Callable[[], str], json_text: Callable[[], str], name: str, key: str) -> None:
    c1, c2 = st.columns(2)
    c1.download_button(
        f"⬇ {label} as CSV", csv_text, file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv", width="stretch"
    )
    c2.download_button(
        f"⬇ {label} as JSON",
        json_text,
        file_name=f"{name}.json",
        mime="application/json",
        key=f"{key}_json",
        width="stretch",
    )


# ---------------------------------------------------------------------------- share and present

HIDEABLE = ("text", "mode", "repr", "hidden", "act", "scale", "seed", "sidebar")


def share_panel(settings: dict[str, Any]) -> None:
    """Sidebar panel: the link that reopens this view, presenter mode, classroom flags."""
    with st.sidebar.expander("🔗 Share & present", expanded=False):
        st.caption("Copy this link (the copy button is at its right): it reopens exactly this view.")
        st.code(export.share_url(st.context.url, settings), language=None, wrap_lines=True)
        control(settings, "present", st.toggle, "Presenter mode (large fonts, no chrome)")
        control(settings, "fmt", st.radio, "Figure download format", options=["png", "svg"], horizontal=True)
        chosen = st.multiselect(
            "Classroom link: hide these controls",
            options=list(HIDEABLE),
            key="w_hide_pick",
            help="Students who open the classroom link won't see these controls; their values still apply.",
        )
        if chosen:
            st.code(
                export.share_url(st.context.url, {**settings, "hide": ",".join(chosen)}), language=None, wrap_lines=True
            )


# ---------------------------------------------------------------------------- explorer


@st.cache_data(**CACHE, show_spinner=False)
def explorer_pair_cached(
    text: str, compare: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float
):
    """Two sequences through one untrained RNN whose vocabulary covers both.

    Returns (enc_a, params, trace_a, enc_b, trace_b). Raises ValueError naming the sequence at fault.
    """
    try:
        enc_b = encoding.encode_text(compare, mode, representation, embed_dim=emb, seed=seed)
    except ValueError as err:
        raise ValueError(f"Second sequence: {err}") from None
    enc_a = encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed)
    vocab = encoding.Vocab.build(enc_a.tokens + enc_b.tokens)
    enc_a, enc_b = (
        encoding.encode_text(t, mode, representation, embed_dim=emb, seed=seed, vocab=vocab) for t in (text, compare)
    )
    params = rnn.init_params(enc_a.X.shape[1], hidden, len(vocab), seed=seed, scale=scale)
    return (
        enc_a,
        params,
        rnn.forward(params, enc_a.X, activation=act),
        enc_b,
        rnn.forward(params, enc_b.X, activation=act),
    )


@st.cache_data(**CACHE, show_spinner=False)
def explorer_trained_cached(text: str, compare: str, fingerprint: str, _trained):
    """The session's trained vanilla RNN over one or two sequences (fingerprint identifies the weights)."""
    params, vocab, level = _trained
    out = []
    for which, t in (("", text), ("Second sequence: ", compare)):
        if which and not t.strip():
            out += [None, None]
            continue
        try:
            X, ids, tokens, _ = gradients.user_sequence(t, level, vocab)
        except ValueError as err:
            raise ValueError(f"{which}{err}") from None
        out += [encoding.Encoded(tuple(tokens), vocab, ids, X, level, "onehot"), rnn.forward(params, X)]
    return out[0], params, out[1], out[2], out[3]


def explorer_weights(settings: dict[str, Any]):
    """The weights control: 'trained' is offered only when the Train page left a usable vanilla RNN.

    Returns (params, vocab, level) of that model when it is chosen, else None.
    """
    model = st.session_state.get("trained_model")
    trained = gradients.trained_vanilla(model) if isinstance(model, dict) else None
    if trained is None:
        if settings["weights"] == "trained":
            set_setting(settings, "weights", "random")
        why = (
            "The weights are random (untrained). Train a vanilla RNN on the Train page and it will be offered here."
            if model is None
            else "The trained model is not a vanilla RNN (or does not fit), so random weights are used."
        )
        st.caption(why)
        return None
    control(
        settings,
        "weights",
        st.radio,
        "Weights",
        options=["random", "trained"],
        horizontal=True,
        help="random weights, or the vanilla RNN trained on the Train page",
    )
    if settings["weights"] != "trained":
        return None
    st.info(
        f"Trained vanilla RNN (tanh, H = {trained[0].hidden_size}, {len(trained[1])} {trained[2]}): "
        "its own weights and vocabulary are used; the Network controls above do not apply.",
        icon="🎓",
    )
    return trained


def explorer_unroll(settings: dict[str, Any], trained=None):
    """(enc_a, params, trace_a, enc_b | None, trace_b | None) for the explorer, or None after showing why not."""
    s = settings
    compare = s["compare"] if s["compare"].strip() else ""
    try:
        if trained is not None:
            fingerprint = weights_fingerprint(trained[0])
            return explorer_trained_cached(s["text"], compare, fingerprint, trained)
        if compare:
            try:
                return explorer_pair_cached(
                    s["text"], compare, s["mode"], s["repr"], s["emb"], s["hidden"], s["seed"], s["act"], s["scale"]
                )
            except ValueError as err:
                if not str(err).startswith("Second sequence"):
                    raise
                show_error(err)
        enc, params, trace = unroll_cached(
            s["text"], s["mode"], s["repr"], s["emb"], s["hidden"], s["seed"], s["act"], s["scale"]
        )
        return enc, params, trace, None, None
    except ValueError as err:
        show_error(err)
        return None


@st.cache_resource(max_entries=32, show_spinner=False)
def explorer_fold_figure(stage: int, tokens: tuple[str, ...]):
    """The fold diagram never depends on the step: built once per stage and shared (read-only)."""
    return diagrams.fold_figure(stage, tokens)


_EXPLORER_SPEEDS = {2.0: "slow (2 s)", 1.0: "normal (1 s)", 0.5: "fast (0.5 s)"}
_EXPLORER_MOVES = {
    "|◀ First": lambda t, T: 1,
    "◀ Back": lambda t, T: t - 1,
    "Next ▶": lambda t, T: t + 1,
    "Last ▶|": lambda t, T: T,
}


def explorer_sidebar(settings: dict[str, Any]):
    """Notation, a second sequence, and the weights choice; returns the trained model or None."""
    with st.sidebar:
        st.subheader("Explorer")
        control(
            settings,
            "notation",
            st.radio,
            "Notation",
            options=["h", "a"],
            horizontal=True,
            format_func={"h": "h, W_hh", "a": "a, W_aa (seed 003)"}.get,
        )
        control(
            settings,
            "compare",
            st.text_input,
            "Compare with a second sequence",
            max_chars=2000,
            placeholder="e.g. the united kingdom of great britain",
        )
        return explorer_weights(settings)


def explorer_fold(settings: dict[str, Any], tokens) -> None:
    """Section 1: seed 004's five moves from a feed-forward net to the RNN (the figure is cached)."""
    st.subheader("1 · The temporal loop: from a feed-forward net to an RNN")
    left, right = st.columns([1, 2])
    with left:
        stage = control(
            settings, "fold", st.slider, "Move (of seed 004's five)", min_value=1, max_value=diagrams.N_STAGES
        )
        name, text = diagrams.MOVES[stage - 1]
        st.markdown(f"**Move {stage}: {name}.** {text}")
        st.caption(
            "How to read this: the faint grey picture is where the move started. ▶ Play the five moves "
            "(on the figure) animates the whole fold; move 4 is the folded RNN, x → h (with its loop) → ŷ."
        )
    with right:
        show_fig(explorer_fold_figure(stage, tokens[:4]), key="explorer_fold")


def explorer_steps(settings: dict[str, Any], result, trained) -> None:
    """Play/speed controls, then every step-dependent view in one fragment: a step click or a tick
    of the player reruns only the fragment, from the cached unroll."""
    play_col, speed_col, _ = st.columns([1, 1, 2], vertical_alignment="center")
    playing = play_col.toggle("▶ Play through the steps", key="explorer_play", help="advance one time step at a time")
    speed = speed_col.select_slider(
        "Speed",
        options=list(_EXPLORER_SPEEDS),
        format_func=_EXPLORER_SPEEDS.get,
        key="explorer_speed",
        value=1.0,
        label_visibility="collapsed",
    )
    st.session_state["_explorer_full"] = True
    st.fragment(_explorer_step_views, run_every=speed if playing else None)(settings, result, trained, playing)


def _explorer_hold() -> None:
    st.session_state["_explorer_hold"] = True  # a click is not a tick of the player


def _explorer_scrubbed(settings: dict[str, Any]) -> None:
    set_setting(settings, "step", st.session_state["w_step"])
    _explorer_hold()


def _explorer_go_to(settings: dict[str, Any], label: str, T: int) -> None:
    set_setting(settings, "step", max(1, min(T, _EXPLORER_MOVES[label](settings["step"], T))))
    _explorer_hold()


def _explorer_step_views(settings: dict[str, Any], result, trained, playing: bool) -> None:
    enc, params, trace, enc_b, trace_b = result
    T, tokens, vocab = trace.T, enc.tokens, enc.vocab.tokens
    full_run, held = st.session_state.pop("_explorer_full", False), st.session_state.pop("_explorer_hold", False)
    if settings["step"] > T:
        set_setting(settings, "step", T)
    if playing and not full_run and not held:  # a timer tick: advance, and stop at the end
        if settings["step"] >= T:
            st.session_state["explorer_play"] = False
            st.rerun(scope="app")
        set_setting(settings, "step", settings["step"] + 1)

    bar = st.columns([1.2, 1.2, 1.2, 1.2, 6], vertical_alignment="bottom")
    for col, label in zip(bar, _EXPLORER_MOVES):
        col.button(label, on_click=_explorer_go_to, args=(settings, label, T), key=f"explorer_{label}", width="stretch")
    with bar[4]:
        if T > 1:
            # A new T gives the slider a new identity, which would reset it to 1: hand it the step explicitly.
            st.session_state["w_step"] = settings["step"]
            control(
                settings,
                "step",
                st.slider,
                "Time step t",
                min_value=1,
                max_value=T,
                on_change=_explorer_scrubbed,
                args=(settings,),
            )
    t = settings["step"]
    st.markdown(
        f"**Step {t} of {T}:** the network reads x\\_{t} = “{md_escape(tokens[t - 1])}”"
        + (f" and should predict “{md_escape(tokens[t])}” next." if t < T else ", the last token.")
    )

    st.subheader("2 · The unrolled chain")
    show_fig(
        figures.unrolled_chain(
            tokens, trace.hs, trace.probs, vocab, step=t, window=figures.chain_window(T, t), X=trace.X
        ),
        key="explorer_chain",
    )
    st.caption(
        "How to read this: one column per step, read left to right. Green diamonds are the inputs, blue "
        "boxes the hidden state, yellow circles the predictions (top next token written above). Blue arrows "
        "carry h_(t-1) into h_t: that is the memory. The orange column is the current step; hover for values."
    )

    st.subheader(f"3 · The equations at step {t}, with their numbers")
    eqs = equations.step_equations(
        params, trace, t, notation=settings["notation"], tokens=tokens, vocab_tokens=vocab, ids=enc.ids, E=enc.E
    )
    for line in eqs.symbolic[:2] + eqs.input + eqs.hidden + eqs.output:
        st.latex(line)
    with st.expander("The stacked form: one matrix [W_hh | W_xh] times one vector [h_(t-1); x_t]"):
        for line in eqs.symbolic[2:] + eqs.stacked:
            st.latex(line)
    st.caption(
        "How to read this: the first product carries the memory forward, the second brings in the new input; "
        "their sum (plus the bias) goes through f. Large matrices show their first and last rows and columns, "
        "with dots for the rest."
    )
    left, right = st.columns(2)
    with left:
        w = int(enc.ids[t - 1])
        show_fig(
            figures.input_vector(
                trace.X[t - 1], vocab, step=t, token=tokens[t - 1], E=enc.E, w=w if enc.E is not None else None
            ),
            key="explorer_input",
        )
        st.caption(
            "How to read this: x_t is what the network actually receives. One-hot: a 1 in the token's slot. "
            "Embedding: the one-hot o_w picks one column of the matrix E, a short dense vector."
        )
    with right:
        show_fig(
            figures.output_bars(
                trace.probs[t - 1],
                vocab,
                step=t,
                next_token=tokens[t] if t < T else None,
                ymax=min(1.0, float(trace.probs.max()) * 1.1),
            ),
            key="explorer_bars",
        )
        st.caption(
            "How to read this: the bars are ŷ_t, the network's guess for the next token; the orange bar is "
            "the token that really comes next. "
            + (
                "These are trained weights: a good model puts its tallest bar on the orange one."
                if trained
                else "The weights are random (untrained), so the guesses are arbitrary: watch how they change "
                "with the memory, not whether they are right."
            )
        )

    st.subheader("4 · The hidden state over time")
    zrange = figures.shared_range(trace.activation, trace.hs[1:], *(() if trace_b is None else (trace_b.hs[1:],)))
    if trace_b is None:
        show_fig(
            figures.hidden_heatmap(trace.hs[1:], tokens, step=t, activation=trace.activation, zrange=zrange),
            key="explorer_heatmap",
        )
    else:
        a_col, b_col = st.columns(2)
        with a_col:
            show_fig(
                figures.hidden_heatmap(
                    trace.hs[1:], tokens, step=t, activation=trace.activation, zrange=zrange, title="A: your sequence"
                ),
                key="explorer_heatmap",
            )
        with b_col:
            show_fig(
                figures.hidden_heatmap(
                    trace_b.hs[1:],
                    enc_b.tokens,
                    step=t,
                    activation=trace.activation,
                    zrange=zrange,
                    title="B: the second sequence",
                ),
                key="explorer_heatmap_b",
            )
        show_fig(
            figures.difference_heatmap(
                trace.hs[1:], tokens, trace_b.hs[1:], enc_b.tokens, step=t, activation=trace.activation
            ),
            key="explorer_diff",
        )
    st.caption(
        "How to read this: each column is h_t, the whole memory after reading that token; each row is one "
        "hidden unit (red positive, blue negative, white zero). The outlined column is the current step."
        + (
            " With two sequences, the same network reads both; the difference is white while they agree "
            "and lights up from the first token where they differ."
            if trace_b is not None
            else ""
        )
    )
    write_url(settings)  # the fragment reruns alone when stepping: keep the address bar in step


# ---------------------------------------------------------------------------- train

TRAIN_BATCH = 16  # parallel streams per training step
TRAIN_RUN_EVERY = 0.5  # seconds between chunks while training: the page stays responsive
TRAIN_CHUNK_SECONDS = 0.25  # time spent training in one chunk
TRAIN_RUN_LENGTHS = (200, 500, 1000, 2000, 5000)
_TRAIN_STRUCTURE = ("cell", "level", "hidden", "opt", "seed")  # changing these needs a new model
_OPT_LABELS = {"sgd": "SGD", "adagrad": "Adagrad", "adam": "Adam"}
_TRAIN_SOURCES = {"default": "built-in story", "paste": "paste text", "upload": "upload .txt"}


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)  # texts up to 200 KB: keep few
def train_corpus_cached(text: str, level: str) -> train.Corpus:
    return train.build_corpus(text, level)


def train_corpus_text() -> str | None:
    """The chosen training text, validated; None after showing why it cannot be used."""
    source = st.radio(
        "Training text", list(_TRAIN_SOURCES), format_func=_TRAIN_SOURCES.get, key="train_source", horizontal=True
    )
    try:
        if source == "default":
            return train.default_corpus()
        if source == "paste":
            raw = st.text_area("Paste your text", key="train_paste", height=150, max_chars=train.MAX_CORPUS_BYTES)
            return train.read_corpus(raw)
        up = st.file_uploader(
            f"A UTF-8 .txt file, up to {train.MAX_CORPUS_BYTES // 1000} KB", type=["txt"], key="train_upload"
        )
        if up is None:
            st.info("Upload a .txt file to train on it.")
            return None
        return train.read_corpus(up.getvalue())
    except ValueError as err:
        show_error(err)
        return None


def train_config(s: dict[str, Any]) -> train.TrainConfig:
    return train.TrainConfig(
        cell=s["cell"],
        level=s["level"],
        hidden=s["thidden"],
        window=s["window"],
        batch=TRAIN_BATCH,
        opt=s["opt"],
        lr=s["lr"],
        clip=s["clip"],
        clipnorm=s["clipnorm"],
        seed=s["seed"],
    )


def train_start(text: str | None, cfg: train.TrainConfig) -> None:
    """Train / Resume (a callback): build a model if there is none, then run for the chosen steps."""
    ss = st.session_state
    try:
        trainer = ss.get("trainer") or train.Trainer(train_corpus_cached(text, cfg.level), cfg)
    except ValueError as err:
        ss["train_msg"] = ("error", str(err))
        return
    ss.update(
        trainer=trainer,
        train_running=True,
        train_run_start=trainer.step_count,
        train_target=trainer.step_count + ss["train_steps"],
    )


def train_stop() -> None:
    st.session_state["train_running"] = False


def train_reset() -> None:
    for key in ("trainer", "trained_model", "train_running"):
        st.session_state.pop(key, None)


def train_load_model(settings: dict[str, Any]) -> None:
    """on_change of the .npz uploader: validate, then continue from the model on the current text."""
    ss = st.session_state
    up = ss.get("train_model_upload")
    if up is None:
        return
    try:
        model = train.load_npz(up.getvalue())
        trainer = train.trainer_from_model(
            model, ss.get("train_text") or train.default_corpus(), train_config(settings)
        )
    except ValueError as err:
        ss["train_msg"] = ("error", f"The model file was not loaded: {err}")
        return
    for name, value in (("cell", model.cell), ("level", model.level), ("thidden", model.hidden_size)):
        set_setting(settings, name, value)
    ss.update(trainer=trainer, train_running=False, trained_model=model.session_dict())
    ss["train_msg"] = (
        "success",
        f"Loaded a {cells.CELLS[model.cell].label} with H={model.hidden_size} and {len(model.vocab)} "
        f"tokens; {trainer.corpus.unknown} tokens of the text are outside its vocabulary.",
    )


def train_sidebar(settings: dict[str, Any]) -> str | None:
    """The training text and the model/optimiser controls; returns the validated text or None."""
    cell_names = [c for c in state.SETTINGS["cell"].choices if c in cells.CELLS]
    if settings["cell"] not in cell_names:
        set_setting(settings, "cell", "rnn")
    with st.sidebar:
        st.subheader("Text")
        st.session_state["train_text"] = text = train_corpus_text()
        st.subheader("Model and training")
        control(
            settings,
            "level",
            st.radio,
            "Predict the next",
            options=list(train.LEVELS),
            horizontal=True,
            format_func={"chars": "character", "words": "word"}.get,
        )
        control(settings, "cell", st.selectbox, "Cell", options=cell_names, format_func=lambda c: cells.CELLS[c].label)
        control(settings, "thidden", st.slider, "Hidden size H", min_value=8, max_value=256, step=8)
        control(settings, "window", st.slider, "Truncated-BPTT window T", min_value=4, max_value=100)
        control(settings, "opt", st.selectbox, "Optimiser", options=list(train.OPTIMIZERS), format_func=_OPT_LABELS.get)
        control(
            settings,
            "lr",
            st.number_input,
            "Learning rate",
            min_value=1e-5,
            max_value=1.0,
            step=0.001,
            format="%.5f",
            help="typical: Adam 0.01, Adagrad 0.1, SGD 1.0",
        )
        if control(settings, "clip", st.checkbox, "Clip the gradient norm"):
            control(settings, "clipnorm", st.number_input, "Largest gradient norm", min_value=0.01, max_value=1000.0)
        control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)
    return text


def train_corpus(settings: dict[str, Any], text: str | None) -> train.Corpus | None:
    """The tokenised corpus with a one-line summary, or None after showing why not."""
    if text is None:
        return None
    try:
        corpus = train_corpus_cached(text, settings["level"])
    except ValueError as err:
        show_error(err)
        return None
    st.caption(
        f"Training text: {len(corpus):,} {settings['level']}, {len(corpus.vocab)} distinct"
        + (f" ({corpus.unknown:,} rare words shown as `<unk>`)" if corpus.unknown else "")
        + "."
    )
    return corpus


def train_buttons(settings: dict[str, Any], text: str | None, corpus: train.Corpus | None) -> bool:
    """Train/Resume, Stop, Reset and the run length; live settings reach a running model. Returns running."""
    ss = st.session_state
    cfg, trainer = train_config(settings), ss.get("trainer")
    running = bool(ss.get("train_running")) and trainer is not None
    left, mid, right, steps_col = st.columns([1, 1, 1, 2])
    steps_col.selectbox(
        "Steps per run",
        TRAIN_RUN_LENGTHS,
        index=3,
        key="train_steps",
        label_visibility="collapsed",
        format_func=lambda n: f"train for {n:,} steps",
    )
    left.button(
        "Resume" if trainer is not None else "Train",
        icon=":material/play_arrow:",
        on_click=train_start,
        args=(text, cfg),
        type="primary",
        disabled=running or (corpus is None and trainer is None),
        width="stretch",
    )
    mid.button("Stop", icon=":material/pause:", on_click=train_stop, disabled=not running, width="stretch")
    right.button(
        "Reset", icon=":material/restart_alt:", on_click=train_reset, disabled=trainer is None, width="stretch"
    )
    if msg := ss.pop("train_msg", None):
        (st.success if msg[0] == "success" else st.error)(md_escape(msg[1]))
    if trainer is not None:
        for name in ("lr", "clip", "clipnorm", "window"):  # these apply to the running model at once
            setattr(trainer.config, name, getattr(cfg, name))
        changed = [n for n in _TRAIN_STRUCTURE if getattr(trainer.config, n) != getattr(cfg, n)]
        if changed or (text is not None and text != trainer.corpus.text):
            st.info(
                "The model was built with other settings (" + ", ".join(changed or ["text"]) + "). Resume keeps "
                "training it; Reset starts a new model with the current settings.",
                icon="ℹ️",
            )
    return running


def train_panel(settings: dict[str, Any], running: bool) -> None:
    """A fragment that trains one chunk per run while training, then draws progress and the charts."""
    st.fragment(_train_panel, run_every=TRAIN_RUN_EVERY if running else None)(settings)


def _train_panel(settings: dict[str, Any]) -> None:
    ss = st.session_state
    trainer = ss.get("trainer")
    if trainer is None:
        st.info("Press **Train** to start. Training runs in chunks; Stop keeps the model, Resume goes on from it.")
        return
    if ss.get("train_running"):
        t0 = time.perf_counter()
        while (
            trainer.step_count < ss["train_target"]
            and not trainer.diverged
            and time.perf_counter() - t0 < TRAIN_CHUNK_SECONDS
        ):
            trainer.train(min(20, ss["train_target"] - trainer.step_count))
        ss["trained_model"] = trainer.model().session_dict()
        done, total = trainer.step_count - ss["train_run_start"], ss["train_target"] - ss["train_run_start"]
        st.progress(
            min(1.0, done / max(1, total)),
            text=f"Training: step {trainer.step_count:,} ({done:,} of {total:,} this run)",
        )
        if trainer.step_count >= ss["train_target"] or trainer.diverged:
            ss["train_running"] = False
            st.rerun()
    if trainer.diverged:
        st.error(
            "Training stopped: the loss became infinite or NaN. Lower the learning rate or clip the gradient, "
            "then Reset."
        )
    _train_charts(settings, trainer)


def _train_charts(settings: dict[str, Any], trainer: train.Trainer) -> None:
    last = trainer.grad_norms.values[-1] if len(trainer.grad_norms) else float("nan")
    st.caption(
        f"Step {trainer.step_count:,} · {trainer.tokens_seen:,} tokens read · loss {trainer.loss_estimate:.3f} "
        f"nats per token · gradient norm before clipping {last:.3g}"
    )
    model = trainer.model()
    left, right = st.columns([3, 2])
    left.altair_chart(
        train_figures.loss_chart(trainer.losses.steps, trainer.losses.values, len(model.vocab)), width="stretch"
    )
    left.caption(
        "How to read this: the loss is the average surprise, −log P(true next token). Random guessing costs "
        "ln V (dashed); every point below it is something learned."
    )
    if len(trainer.watch):
        label = train.WATCH_NEXT[model.level]
        right.altair_chart(
            train_figures.watch_chart(trainer.watch.steps, trainer.watch.values, repr(label)), width="stretch"
        )
        right.caption(
            f"How to read this: how sure the model is that “{train.WATCH_PROMPT}” goes on with "
            f"{label!r}{' (the product over its characters)' if model.level == 'chars' else ''}."
        )
    try:
        probs = train.next_token_probs(model, settings["prompt"])
        expected = train.tokenize(train.WATCH_NEXT[model.level], model.level)[0]
        right.altair_chart(
            train_figures.next_token_chart(train.top_k(model, probs, 10), highlight=expected), width="stretch"
        )
        right.caption(
            "How to read this: the model's probabilities for the token after your prompt (␣ is a space; "
            "orange: the start of 'America')."
        )
    except ValueError as err:
        with right:
            show_error(err)


def train_samples(settings: dict[str, Any]) -> None:
    """Text sampled from the stopped model after the prompt, at the chosen temperature."""
    trainer = st.session_state.get("trainer")
    if trainer is None:
        return
    if st.session_state.get("train_running"):
        st.caption("Samples from the model appear here when training is stopped.")
        return
    model = trainer.model()
    st.subheader("Samples")
    try:
        sample = train.sample(
            model,
            settings["prompt"],
            300 if model.level == "chars" else 60,
            temperature=settings["temp"],
            seed=settings["seed"],
        )
    except ValueError as err:
        show_error(err)
        return
    st.code(settings["prompt"] + ("" if model.level == "chars" else " ") + sample, language=None, wrap_lines=True)
    st.caption(
        "The prompt, then tokens drawn one at a time from softmax(z / temperature): low temperature "
        "picks the likeliest token, high temperature takes risks."
    )


def train_files(settings: dict[str, Any]) -> None:
    """Download the weights (.npz, built only when clicked) and load them back, validated."""
    trainer = st.session_state.get("trainer")
    with st.expander("Save or load the weights"):
        if trainer is not None:
            st.download_button(
                "Download the weights (.npz)",
                lambda: train.save_npz(trainer.model()),
                file_name="rnn-weights.npz",
                mime="application/octet-stream",
                on_click="ignore",
            )
        st.file_uploader(
            "Load weights saved by this page (.npz)",
            type=["npz"],
            key="train_model_upload",
            on_change=train_load_model,
            args=(settings,),
        )
        st.caption("Other pages (explorer, gradients) can use the trained vanilla RNN: choose “trained” weights there.")


# ---------------------------------------------------------------------------- gradients


def gradient_controls(settings: dict[str, Any]):
    """Sidebar controls of the gradients page. Returns (trained model or None, cells to draw, activation)."""
    model = st.session_state.get("trained_model")
    trained = gradients.trained_vanilla(model) if isinstance(model, dict) else None
    with st.sidebar:
        st.subheader("Sequence")
        if trained is not None:
            control(
                settings,
                "weights",
                st.radio,
                "Weights",
                options=["random", "trained"],
                horizontal=True,
                help="the vanilla RNN from the Train page, or random weights",
            )
        use_trained = trained is not None and settings["weights"] == "trained"
        source = control(
            settings,
            "gsource",
            st.radio,
            "Sequence",
            options=["generated", "user"],
            horizontal=True,
            format_func={"generated": "generated", "user": "my text"}.get,
        )
        if source == "generated":
            control(settings, "glen", st.slider, "Length T", min_value=5, max_value=400, step=5)
        else:
            control(settings, "text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)
            if not use_trained:
                control(settings, "mode", st.radio, "Split into", options=list(encoding.MODES), horizontal=True)
        st.subheader("Network")
        if not use_trained:
            control(settings, "radius", st.slider, "Scale of W_hh", min_value=0.1, max_value=2.0, step=0.05)
            control(
                settings,
                "rkind",
                st.radio,
                "The scale sets",
                options=list(gradients.RKINDS),
                horizontal=True,
                format_func={"spectral": "spectral radius ρ", "singular": "largest singular value σ_max"}.get,
            )
            control(settings, "act", st.selectbox, "Activation f", options=list(rnn.ACTIVATIONS))
            control(settings, "hidden", st.slider, "Hidden size H", min_value=2, max_value=64)
        control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)
        if control(settings, "clip", st.toggle, "Clip the gradient by norm"):
            control(settings, "clipnorm", st.number_input, "Max norm", min_value=0.01, max_value=1000.0)
        if use_trained:
            st.info("Trained vanilla RNN (tanh): its own W_hh, hidden size and vocabulary are used.", icon="🎓")
        elif not hidden(settings, "cells"):
            st.session_state.setdefault("w_cells", list(gradients.parse_cells(settings["cells"])))
            picked = st.multiselect(
                "Cells to draw", options=list(cells.CELLS), format_func=gradient_figures.CELL_LABELS.get, key="w_cells"
            )
            settings["cells"] = ",".join(c for c in cells.CELLS if c in picked)
    if use_trained:
        return trained, ("rnn",), "tanh"
    return None, gradients.parse_cells(settings["cells"]), settings["act"]


@st.cache_data(**CACHE, show_spinner="Back-propagating through time…")
def _measure_cached(
    source, text, mode, glen, hidden_size, seed, radius, rkind, act, clip_norm, cell_names, weights_key, _trained=None
):
    params, vocab, level = _trained or (None, None, mode)
    X, ids, tokens, V = gradients.sequence_for(source, text=text, mode=level, length=glen, seed=seed, vocab=vocab)
    return gradients.run(
        X,
        tokens,
        int(ids[0]),
        hidden=hidden_size,
        seed=seed,
        radius=radius,
        rkind=rkind,
        activation=act,
        cell_names=cell_names,
        clip_norm=clip_norm,
        output_size=V,
        rnn_params=params,
    )


def gradient_experiment(settings: dict[str, Any], trained, shown, act):
    """The cached measurement for the current settings, or None after showing why not."""
    s = settings
    key = "random" if trained is None else weights_fingerprint(trained[0])
    try:
        return _measure_cached(
            s["gsource"],
            s["text"],
            s["mode"],
            s["glen"],
            s["hidden"],
            s["seed"],
            s["radius"],
            s["rkind"],
            act,
            s["clipnorm"] if s["clip"] else None,
            tuple(dict.fromkeys(("rnn", *shown))),
            key,
            _trained=trained,
        )
    except ValueError as err:
        show_error(err)
        return None


def gradient_metrics(exp, shown, clip: bool) -> None:
    """W_hh's spectrum, the bound's rate, and each cell's measured factor per step back."""
    j = exp.jacobian
    cols = st.columns(4)
    cols[0].metric("spectral radius ρ(W_hh)", f"{exp.spectral_radius:.3g}")
    cols[1].metric("σ_max(W_hh)", f"{j.sigma_max:.3g}")
    cols[2].metric("γ = max |f′|", f"{j.gamma:g}")
    cols[3].metric(
        "γ·σ_max (bound's rate)",
        f"{j.gamma * j.sigma_max:.3g}",
        help="below 1, the bound forces the gradient to vanish geometrically",
    )
    cols = st.columns(max(1, len(shown)))
    for col, name in zip(cols, shown):
        r = exp.cells[name]
        rate = r.rate()
        col.metric(
            f"{gradient_figures.CELL_LABELS[name]}: {gradients.regime(rate)}, per step back",
            f"×{rate:.3g}" if rate == rate else "—",
            help="average factor by which ‖∂L/∂h_t‖ changes per step going back in time",
        )
        if clip:
            col.caption(
                f"‖∇θ‖ before clipping {r.grad_norm:.3g} → after {r.clipped_norm:.3g}"
                + ("" if r.clip_scale < 1 else " (under the threshold: untouched)")
            )
