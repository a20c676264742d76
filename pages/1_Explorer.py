"""Step-through explorer: the RNN reads the user's sequence one step at a time, every view on the same step.

The fold diagram does not depend on the step and is cached; everything that does lives in one fragment,
so stepping and playing rerun only that fragment, from the cached unroll.
"""

import streamlit as st

from visualizer import diagrams, equations, export, figures, state, ui

SPEEDS = {2.0: "slow (2 s)", 1.0: "normal (1 s)", 0.5: "fast (0.5 s)"}

settings = ui.page_setup("explorer", "Step-through explorer")
ui.sequence_controls(settings)
with st.sidebar:
    st.subheader("Explorer")
    ui.control(settings, "notation", st.radio, "Notation", options=["h", "a"], horizontal=True,
               format_func={"h": "h, W_hh", "a": "a, W_aa (seed 003)"}.get)
    ui.control(settings, "compare", st.text_input, "Compare with a second sequence", max_chars=2000,
               placeholder="e.g. the united kingdom of great britain")
    trained = ui.explorer_weights(settings)

st.title("🔍 Step-through explorer")
st.markdown("Type a sequence in the sidebar and step through it: at every step the **same cell** mixes the new "
            "input x_t with the memory h_(t-1) into h_t, and predicts the next token from h_t.")
result = ui.explorer_unroll(settings, trained)


def hold() -> None:
    st.session_state["_explorer_hold"] = True  # a click is not a tick of the player


MOVES = {"|◀ First": lambda t, T: 1, "◀ Back": lambda t, T: t - 1, "Next ▶": lambda t, T: t + 1, "Last ▶|": lambda t, T: T}


def scrubbed() -> None:
    ui.set_setting(settings, "step", st.session_state["w_step"])
    hold()


def go_to(label: str, T: int) -> None:
    ui.set_setting(settings, "step", max(1, min(T, MOVES[label](settings["step"], T))))
    hold()


def step_views(enc, params, trace, enc_b, trace_b, playing: bool) -> None:
    T, tokens, vocab = trace.T, enc.tokens, enc.vocab.tokens
    full_run, held = st.session_state.pop("_explorer_full", False), st.session_state.pop("_explorer_hold", False)
    if settings["step"] > T:
        ui.set_setting(settings, "step", T)
    if playing and not full_run and not held:  # a timer tick: advance, and stop at the end
        if settings["step"] >= T:
            st.session_state["explorer_play"] = False
            st.rerun(scope="app")
        ui.set_setting(settings, "step", settings["step"] + 1)

    bar = st.columns([1.2, 1.2, 1.2, 1.2, 6], vertical_alignment="bottom")
    for col, label in zip(bar, MOVES):
        col.button(label, on_click=go_to, args=(label, T), key=f"explorer_{label}", width="stretch")
    with bar[4]:
        if T > 1:
            # A new T gives the slider a new identity, which would reset it to 1: hand it the step explicitly.
            st.session_state["w_step"] = settings["step"]
            ui.control(settings, "step", st.slider, "Time step t", min_value=1, max_value=T, on_change=scrubbed)
    t = settings["step"]
    st.markdown(f"**Step {t} of {T}:** the network reads x\\_{t} = “{ui.md_escape(tokens[t - 1])}”"
                + (f" and should predict “{ui.md_escape(tokens[t])}” next." if t < T else ", the last token."))

    st.subheader("2 · The unrolled chain")
    ui.show_fig(figures.unrolled_chain(tokens, trace.hs, trace.probs, vocab, step=t, window=figures.chain_window(T, t),
                                       X=trace.X), key="explorer_chain")
    st.caption("How to read this: one column per step, read left to right. Green diamonds are the inputs, blue "
               "boxes the hidden state, yellow circles the predictions (top next token written above). Blue arrows "
               "carry h_(t-1) into h_t: that is the memory. The orange column is the current step; hover for values.")

    st.subheader(f"3 · The equations at step {t}, with their numbers")
    eqs = equations.step_equations(params, trace, t, notation=settings["notation"], tokens=tokens, vocab_tokens=vocab,
                                   ids=enc.ids, E=enc.E)
    for line in eqs.symbolic[:2] + eqs.input + eqs.hidden + eqs.output:
        st.latex(line)
    with st.expander("The stacked form: one matrix [W_hh | W_xh] times one vector [h_(t-1); x_t]"):
        for line in eqs.symbolic[2:] + eqs.stacked:
            st.latex(line)
    st.caption("How to read this: the first product carries the memory forward, the second brings in the new input; "
               "their sum (plus the bias) goes through f. Large matrices show their first and last rows and columns, "
               "with dots for the rest.")
    left, right = st.columns(2)
    with left:
        w = int(enc.ids[t - 1])
        ui.show_fig(figures.input_vector(trace.X[t - 1], vocab, step=t, token=tokens[t - 1], E=enc.E,
                                         w=w if enc.E is not None else None), key="explorer_input")
        st.caption("How to read this: x_t is what the network actually receives. One-hot: a 1 in the token's slot. "
                   "Embedding: the one-hot o_w picks one column of the matrix E, a short dense vector.")
    with right:
        ui.show_fig(figures.output_bars(trace.probs[t - 1], vocab, step=t, next_token=tokens[t] if t < T else None,
                                        ymax=min(1.0, float(trace.probs.max()) * 1.1)), key="explorer_bars")
        st.caption("How to read this: the bars are ŷ_t, the network's guess for the next token; the orange bar is "
                   "the token that really comes next. "
                   + ("These are trained weights: a good model puts its tallest bar on the orange one." if trained else
                      "The weights are random (untrained), so the guesses are arbitrary: watch how they change "
                      "with the memory, not whether they are right."))

    st.subheader("4 · The hidden state over time")
    zrange = figures.shared_range(trace.activation, trace.hs[1:], *(() if trace_b is None else (trace_b.hs[1:],)))
    if trace_b is None:
        ui.show_fig(figures.hidden_heatmap(trace.hs[1:], tokens, step=t, activation=trace.activation, zrange=zrange),
                    key="explorer_heatmap")
    else:
        a_col, b_col = st.columns(2)
        with a_col:
            ui.show_fig(figures.hidden_heatmap(trace.hs[1:], tokens, step=t, activation=trace.activation,
                                               zrange=zrange, title="A: your sequence"), key="explorer_heatmap")
        with b_col:
            ui.show_fig(figures.hidden_heatmap(trace_b.hs[1:], enc_b.tokens, step=t, activation=trace.activation,
                                               zrange=zrange, title="B: the second sequence"), key="explorer_heatmap_b")
        ui.show_fig(figures.difference_heatmap(trace.hs[1:], tokens, trace_b.hs[1:], enc_b.tokens, step=t,
                                               activation=trace.activation), key="explorer_diff")
    st.caption("How to read this: each column is h_t, the whole memory after reading that token; each row is one "
               "hidden unit (red positive, blue negative, white zero). The outlined column is the current step."
               + (" With two sequences, the same network reads both; the difference is white while they agree "
                  "and lights up from the first token where they differ." if trace_b is not None else ""))
    query = state.to_query(settings)  # the fragment reruns alone when stepping: keep the address bar in step
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


if result is not None:
    enc, params, trace, enc_b, trace_b = result
    ui.overflow_note(trace)
    if enc_b is not None and trained is None:
        st.caption("Comparing two sequences: the network's vocabulary covers both, so its random weights differ "
                   "from the single-sequence view.")
    with st.sidebar:
        st.subheader("Download")
        ui.trace_downloads(settings, lambda: export.next_token_trace(enc.tokens, enc.ids, params, trace, enc.vocab.tokens),
                           key="explorer_trace")
        st.caption("Every step's x_t, h_t, ŷ_t and dL/dh_t (next-token loss). Figures: camera icon on each chart.")
    st.subheader("1 · The temporal loop: from a feed-forward net to an RNN")
    left, right = st.columns([1, 2])
    with left:
        stage = ui.control(settings, "fold", st.slider, "Move (of seed 004's five)", min_value=1,
                           max_value=diagrams.N_STAGES)
        name, text = diagrams.MOVES[stage - 1]
        st.markdown(f"**Move {stage}: {name}.** {text}")
        st.caption("How to read this: the faint grey picture is where the move started. ▶ Play the five moves "
                   "(on the figure) animates the whole fold; move 4 is the folded RNN, x → h (with its loop) → ŷ.")
    with right:
        ui.show_fig(ui.explorer_fold_figure(stage, enc.tokens[:4]), key="explorer_fold")
    play_col, speed_col, _ = st.columns([1, 1, 2], vertical_alignment="center")
    playing = play_col.toggle("▶ Play through the steps", key="explorer_play", help="advance one time step at a time")
    speed = speed_col.select_slider("Speed", options=list(SPEEDS), format_func=SPEEDS.get, key="explorer_speed",
                                    value=1.0, label_visibility="collapsed")
    st.session_state["_explorer_full"] = True
    st.fragment(step_views, run_every=speed if playing else None)(enc, params, trace, enc_b, trace_b, playing)

ui.sync_url(settings)
