"""Step-through explorer in real Chromium: the player steps in the browser (keys, clicks, play, scrubber), shows
step k and nothing of step k+1, keeps the address bar in step, opens a node's computation with the library's
numbers, walks the backward pass, and costs the server no rerun per step."""

import re
import subprocess
import sys
import time
from urllib.parse import urlencode

import numpy as np
from playwright.sync_api import expect

from tests.browser.conftest import _free_port, after_run, next_frame, wait_for_page
from tests.browser.test_accessibility import axe_violations
from tests.conftest import ROOT
from visualizer import lesson_stops
from visualizer.data import encoding
from visualizer.labs.explorer import explore
from visualizer.plots import tex

RANDOM = "weights=random"  # the seeded random weights: the test computes the same run with the library
TEXT = "the united states of america"


def _library(cell: str = "rnn", text: str = TEXT) -> explore.Unroll:
    """The run the page shows with the default settings (hidden 6, seed 0) and random weights."""
    enc = encoding.encode_text(text, "words", "onehot")
    return explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0))


def _sentence(page) -> str:
    return page.locator(".player .sentence").inner_text()


def _until(page, check, timeout: float = 30.0):
    """Poll `check()` once per painted frame until it is truthy; its value."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        next_frame(page)
    raise AssertionError("condition not met in time")


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_page(page)
    expect(page.locator(".player .sentence")).to_contain_text("Step ", timeout=30_000)


def _shows_nothing_after(page, k: int, tokens: list[str]) -> None:
    """Every view shows steps 1..k and nothing of later steps: no label, no number, no hover."""
    chain = page.locator(".player svg.chain")
    for col in range(k + 1, len(tokens) + 1):
        future = chain.locator(f"[data-col='{col}']")
        if future.count():
            assert (future.text_content() or "").strip() == "", col  # an empty slot
            assert future.locator("[data-node]").count() == 0
    heat_steps = page.locator(".player svg.heat rect[data-step]").evaluate_all(
        "els => [...new Set(els.map(e => +e.dataset.step))]"
    )
    assert heat_steps == list(range(1, k + 1))
    titles = page.locator(".player svg.heat title").all_text_contents()
    assert not [t for t in titles if f"_{k + 1}[" in t]  # no hover value of step k+1


def test_keys_step_the_player_and_the_future_stays_hidden(page, app_url, screenshot):
    """After k presses of → the sentence reads "Step k+1 of N: …", every view shows that step and nothing later;
    ← Home End move too; the address bar follows and a reload of the copied link opens at that step; Play then
    runs to the last step and stops there."""
    _open(page, f"{app_url}/Explorer?{RANDOM}")
    tokens = TEXT.split()
    assert _sentence(page).startswith("Step 1 of 5: the network reads x_1 = “the”")
    _shows_nothing_after(page, 1, tokens)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # keys go to the page
    for k in (2, 3, 4):
        page.keyboard.press("ArrowRight")
        expect(page.locator(".player .sentence")).to_contain_text(
            f"Step {k} of 5: the network reads x_{k} = “{tokens[k - 1]}”"
        )
        _shows_nothing_after(page, k, tokens)
        assert (page.locator(".player svg.chain").text_content() or "").count("“") == k  # the tokens read so far
    expect(page).to_have_url(re.compile(r"step=4"))
    screenshot("explorer")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 5")
    page.keyboard.press("End")
    expect(page.locator(".player .sentence")).to_contain_text("Step 5 of 5")
    expect(page.get_by_role("button", name="Next step (→)")).to_be_disabled()  # at the end: disabled, not dead
    page.keyboard.press("Home")
    expect(page.locator(".player .sentence")).to_contain_text("Step 1 of 5")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"step=3"))
    page.goto(page.url)  # the copied link
    wait_for_page(page)
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 5", timeout=30_000)
    _shows_nothing_after(page, 3, tokens)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.get_by_role("button", name="Play (Space)").click()  # Play runs to the end and stops there
    expect(page.locator(".player .sentence")).to_contain_text("Step 5 of 5", timeout=10_000)
    expect(page.get_by_role("button", name="Play (Space)")).to_be_visible()


def test_click_a_column_and_a_node_opens_its_computation_with_the_library_numbers(page, app_url):
    """Clicking h_2 jumps to step 2 and shows h_2's equation with the library's numbers; clicking a future
    slot jumps there; ŷ_t shows its top guesses."""
    u = _library()
    _open(page, f"{app_url}/Explorer?{RANDOM}&step=4")
    page.locator(".player [data-col='2'] [data-node='h']").click()
    expect(page.locator(".player .sentence")).to_contain_text("Step 2 of 5")
    expect(page.locator(".player .panel-title")).to_have_text("The hidden state h_2")
    numbers = page.locator(".player .eq mn").all_text_contents()
    for v in u.trace.hs[2][:3]:  # the first entries of h_2 as the equations write them
        assert tex.num(abs(v)) in numbers, (v, numbers)
    page.locator(".player [data-col='5']").locator(".slot").click()  # a slot not read yet
    expect(page.locator(".player .sentence")).to_contain_text("Step 5 of 5")
    page.locator(".player [data-col='5'] [data-node='y']").click()
    expect(page.locator(".player .panel-title")).to_have_text("The prediction ŷ_5")
    best = u.enc.vocab.tokens[int(np.argmax(u.trace.probs[4]))]
    expect(page.locator(".player .eq .num")).to_contain_text(f"Top guesses: “{best}” {u.trace.probs[4].max():.3f}")


def test_lstm_gates_and_memory_in_the_panel(page, app_url):
    u = _library("lstm")
    _open(page, f"{app_url}/Explorer?{RANDOM}&cell=lstm&step=2")
    expect(page.locator(".player .gates .gate")).to_have_count(4)
    titles = page.locator(".player .gates .gate").nth(1).locator("title").all_text_contents()
    f = u.trace.gates[1][6:12]  # the forget gate of step 2 ([i; f; g; o] stacked, H = 6)
    assert titles[0] == f"forget gate unit 0: {f[0]:.3f}"
    page.locator(".player [data-col='2'] [data-node='c']").click()
    expect(page.locator(".player .panel-title")).to_have_text("The memory cell c_2")


def test_backward_pass_from_the_last_step_with_a_loss(page, app_url, screenshot):
    """Backward opens on the last step with a loss (step 4 of 5), with ‖∂L/∂h_t‖ on the chain; → walks back."""
    u = _library()
    _open(page, f"{app_url}/Explorer?{RANDOM}")
    page.get_by_role("button", name="Backward pass (BPTT)").click()
    expect(page.locator(".player .sentence")).to_contain_text(
        "Step 4 of 5, backward: the error of step 4 enters at ŷ_4"
    )
    grads = page.locator(".player svg.chain text.grad").all_text_contents()
    assert grads == [f"{u.dh_norm[3]:.2f}"]
    page.keyboard.press("ArrowRight")
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 5, backward")
    grads = page.locator(".player svg.chain text.grad").all_text_contents()
    assert grads == [f"{u.dh_norm[2]:.2f}", f"{u.dh_norm[3]:.2f}"]
    expect(page.locator(".player .eq .num")).to_contain_text(f"‖∂L/∂W_hh‖ so far = {u.running[2]:.3f}")
    expect(page).to_have_url(re.compile(r"phase=backward"))
    screenshot("explorer-backward")


def test_ten_next_clicks_cost_the_server_nothing(page, app_url):
    """The websocket frames the server sends while a student clicks Next ten times: at most 3 (today none)."""
    frames: list[float] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(time.monotonic())))
    text = " ".join(["the cat sat on the mat and the dog ran"] * 3)  # 30 tokens
    _open(page, f"{app_url}/Explorer?{RANDOM}&cell=lstm&text={text.replace(' ', '+')}")
    nxt = page.get_by_role("button", name="Next step (→)")
    start = time.monotonic()
    for k in range(2, 12):
        nxt.click()
        expect(page.locator(".player .sentence")).to_contain_text(f"Step {k} of 30")
    next_frame(page)
    during = [t for t in frames if t >= start]
    assert len(during) <= 3, len(during)


def test_the_app_runs_from_a_fresh_clone(page, tmp_path):
    """Streamlit Community Cloud runs `streamlit run app.py` on the repository as it is: no fetch, no build, no
    .cache. Clone the committed branch, start it, and step the player."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", head], check=True)
    assert not (clone / ".cache").exists()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # Streamlit prints its address once it serves
            if f":{port}" in line:
                break
        page.goto(f"http://127.0.0.1:{port}/Explorer?{RANDOM}")
        wait_for_page(page)
        expect(page.locator(".player .sentence")).to_contain_text("Step 1 of 5", timeout=30_000)
        page.get_by_role("button", name="Next step (→)").click()
        expect(page.locator(".player .sentence")).to_contain_text("Step 2 of 5")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_server_learns_the_step_once_the_student_pauses(page, app_url):
    """Stepping costs no rerun; after a pause the player reports its step (one rerun), so a new run of the page
    (here: switching the notation, which sends a new payload) opens at the step the student left."""
    _open(page, f"{app_url}/Explorer?{RANDOM}")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")

    def two_steps() -> None:
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")

    after_run(page, two_steps)  # the run that follows is the report, after the pause
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 5")
    after_run(page, page.get_by_text("a, W_aa", exact=False).first.click)
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 5: the network reads x⟨3⟩ = “states”")


def test_every_player_control_is_reachable_by_keyboard(page, app_url):
    """Tab reaches the pass switch, the step buttons, the scrubber, the chain's nodes and the panel; Enter on a
    node opens its computation."""
    _open(page, f"{app_url}/Explorer?{RANDOM}&step=2")
    page.get_by_role("button", name="Forward pass").focus()
    reached: list[str] = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement)
                  a = a.shadowRoot.activeElement; return a ? (a.getAttribute('aria-label') || a.textContent || '').trim() : ''; }"""
            )
        )
        if reached[-1].startswith("x_2"):
            break
    assert {"Backward pass (BPTT)", "Previous step (←)", "Next step (→)", "Time step"} <= set(reached), reached
    assert reached[-1].startswith("x_2"), reached
    page.keyboard.press("Enter")
    expect(page.locator(".player .panel-title")).to_have_text("The input x_2")


def test_the_fold_opens_above_the_chain_moves_and_plays(page, app_url):
    """The five moves from a feed-forward net to the RNN: folded by default, opened by a click, moved and played
    in the browser (the move goes to the address bar); the unrolled move draws the student's tokens."""
    _open(page, f"{app_url}/Explorer?{RANDOM}&text=the+cat+sat")
    fold = page.locator(".player details.fold")
    expect(fold).not_to_have_attribute("open", "")
    fold.locator("summary").click()
    expect(fold.locator(".move-text")).to_contain_text("Move 5 of 5: unroll.")  # the default: the unrolled chain
    for _ in range(3):
        fold.get_by_role("button", name="◀ Move").click()
    expect(fold.locator(".move-text")).to_contain_text("Move 2 of 5: merge the arrows.")
    expect(page).to_have_url(re.compile(r"fold=2"))
    fold.get_by_role("button", name="▶ Play the five moves").click()
    expect(fold.locator(".move-text")).to_contain_text("Move 5 of 5: unroll.", timeout=15_000)
    labels = fold.locator("svg.fold-svg .now text").all_text_contents()
    assert "x_3 sat" in labels and not [t for t in labels if t.startswith("x_4")]
    box = fold.bounding_box()
    chain = page.locator(".player svg.chain").bounding_box()
    assert box is not None and chain is not None and box["y"] + box["height"] <= chain["y"]  # above the chain


def test_a_lesson_stop_about_the_fold_opens_it(page, app_url):
    """The lesson's link to stop 2 (the feed-forward net the fold starts from) opens the fold at move 1."""
    _open(page, f"{app_url}/Explorer?{urlencode(lesson_stops.query(2))}")
    expect(page.locator(".player details.fold")).to_have_attribute("open", "")
    expect(page.locator(".player .move-text")).to_contain_text("Move 1 of 5")


def test_axe_sees_into_the_player_with_the_fold_open_and_backward(page, app_url):
    """The player is frameless, so axe-core on the top document checks inside it: nothing serious or critical
    with the fold open, an LSTM's gates in the panel, and then the backward pass."""
    _open(page, f"{app_url}/Explorer?{RANDOM}&cell=lstm&step=3")
    page.locator(".player details.fold summary").click()
    expect(page.locator(".player details.fold")).to_have_attribute("open", "")
    assert page.locator(".player .gates .gate").count() == 4
    assert axe_violations(page) == []
    page.get_by_role("button", name="Backward pass (BPTT)").click()
    expect(page.locator(".player .sentence")).to_contain_text("backward")
    assert axe_violations(page) == []
