// The explorer player: the whole run arrives once (visualizer/plots/player.py); stepping, playing, scrubbing,
// clicks and keys all happen here, in the browser. The step goes to the address bar (history.replaceState) at
// once and to the server only after a pause (one state value, debounced), so a step costs the server nothing.
// Plain ES module, no build step, no library: the chain and heatmap are SVG, the equations MathML.

const NS = "http://www.w3.org/2000/svg";
const PLAY_MS = 100; // 10 steps per second
const REPORT_MS = 700; // quiet time before the server learns the step
const COL_W = 84; // chain column width (px)

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const fmt = (x, d = 2) => (x === null || x === undefined ? "–" : Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(d));
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

function sym(base, t, n) {
  if (n === "a") return `${base === "h" ? "a" : base}⟨${t}⟩`;
  return `${base}_${t}`;
}

// Diverging colour for a value in [-1, 1]: blue (negative), white (0), red (positive).
function colour(v) {
  if (v === null) return "#999";
  const a = clamp(Math.abs(v), 0, 1);
  const [r, g, b] = v >= 0 ? [178, 24, 43] : [33, 102, 172];
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

// An equation wider than its box (a wide matrix at 1280×720): first broken before each top-level "=" after the
// first (one equality per line, the later lines starting with "="), then any line still too wide is set in a
// smaller font so that it fits. Nothing is cut and nothing scrolls sideways. Stepping keeps a node's equations
// in the same shape, so the last fit (memo) is applied without measuring and only checked (one layout).
const MATH_NS = "http://www.w3.org/1998/Math/MathML";

function splitEquation(m) {
  const row = m.firstElementChild;
  if (!row || m.dataset.split) return;
  const kids = [...row.children];
  const cuts = kids.flatMap((k, i) => (i > 0 && k.localName === "mo" && k.textContent.trim() === "=" ? [i] : []));
  if (cuts.length < 2) return;
  let after = m;
  cuts.slice(1).forEach((from, j) => {
    const line = document.createElementNS(MATH_NS, "math");
    line.setAttribute("display", "block");
    line.classList.add("cont");
    line.dataset.split = "1";
    const r = document.createElementNS(MATH_NS, "mrow");
    r.append(...kids.slice(from, cuts[j + 2] ?? kids.length));
    line.append(r);
    after.after(line);
    after = line;
  });
  m.dataset.split = "1";
}

function fitEquations(box, memo = null) {
  const first = [...box.querySelectorAll("math")];
  if (memo && memo.n === first.length) {
    first.forEach((m, i) => memo.split[i] && splitEquation(m));
    const all = [...box.querySelectorAll("math")];
    if (all.length === memo.sizes.length) {
      all.forEach((m, i) => (m.style.fontSize = memo.sizes[i]));
      if (!all.some((m) => m.scrollWidth > memo.avail + 0.5)) return memo;
    }
  }
  const avail = box.clientWidth;
  if (!avail) return null; // folded away: fitted when opened
  const wide = (m) => m.scrollWidth > avail + 0.5;
  for (const m of [...box.querySelectorAll("math")]) {
    m.style.fontSize = "";
    if (wide(m)) splitEquation(m);
  }
  // A matrix's rules and gaps do not all scale with the font: shrink again while a line is still too wide.
  let todo = [...box.querySelectorAll("math")].filter(wide);
  for (let pass = 0; pass < 4 && todo.length; pass++) {
    const widths = todo.map((m) => m.scrollWidth); // one layout for every line
    todo.forEach((m, i) => {
      const now = parseFloat(m.style.fontSize) || 1;
      m.style.fontSize = `${(Math.floor(((now * avail) / widths[i]) * 100) / 100).toFixed(2)}em`;
    });
    todo = todo.filter(wide);
  }
  const all = [...box.querySelectorAll("math")];
  return { n: first.length, split: first.map((m) => !!m.dataset.split), sizes: all.map((m) => m.style.fontSize), avail };
}

function skeleton(root) {
  root.innerHTML = `
  <div class="player" tabindex="-1">
    <details class="fold">
      <summary></summary>
      <div class="fold-body">
        <svg class="fold-svg" role="group"></svg>
        <div class="fold-side">
          <p class="move-text" aria-live="polite"></p>
          <div class="fold-bar" role="toolbar" aria-label="Moves">
            <button type="button" data-fold="prev">◀ Move</button>
            <button type="button" data-fold="next">Move ▶</button>
            <button type="button" data-fold="play">▶ Play the five moves</button>
          </div>
          <p class="fold-hint"></p>
        </div>
      </div>
    </details>
    <p class="sentence" aria-live="polite"><strong class="head"></strong> <span class="rest"></span></p>
    <div class="bar" role="toolbar" aria-label="Stepping">
      <span class="phases" role="group" aria-label="Pass">
        <button type="button" data-phase="forward" class="phase"></button>
        <button type="button" data-phase="backward" class="phase"></button>
      </span>
      <button type="button" data-move="first" class="move">|◀</button>
      <button type="button" data-move="back" class="move">◀</button>
      <button type="button" data-move="play" class="move play">▶ Play</button>
      <button type="button" data-move="next" class="move">▶</button>
      <button type="button" data-move="last" class="move">▶|</button>
      <input type="range" class="scrub" min="1" step="1">
      <output class="where"></output>
    </div>
    <div class="main">
      <div class="left">
        <div class="chain-wrap"><svg class="chain" role="group"></svg>
          <p class="loss-line"><span class="loss-label"></span> <span class="loss-sum"></span></p>
        </div>
        <div class="heat-wrap"><svg class="heat" role="group"></svg></div>
      </div>
      <div class="panel-box">
        <section class="panel" aria-live="polite" tabindex="0" aria-label="The node's computation">
          <div class="nodes" role="group" aria-label="Node"></div>
          <h3 class="panel-title"></h3>
          <div class="eq"></div>
          <div class="gates"></div>
          <details class="stacked"><summary></summary><div class="eq-stacked"></div></details>
        </section>
      </div>
    </div>
  </div>`;
}

class Player {
  constructor(root) {
    this.root = root;
    skeleton(root);
    this.q = (s) => root.querySelector(s);
    this.node = "h";
    this.playing = null;
    this.reportTimer = null;
    this.q(".bar").addEventListener("click", (e) => this.onBar(e));
    this.q(".scrub").addEventListener("input", (e) => this.go(Number(e.target.value)));
    this.q(".chain").addEventListener("click", (e) => this.onChain(e));
    this.q(".chain").addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === " ") && e.target.closest("[data-col]")) {
        e.preventDefault();
        e.stopPropagation();
        this.onChain(e);
      }
    });
    this.q(".nodes").addEventListener("click", (e) => {
      const b = e.target.closest("[data-node]");
      if (b) this.pick(b.dataset.node);
    });
    this.q(".stacked").addEventListener("toggle", () => this.fitPanel());
    this.q(".fold-bar").addEventListener("click", (e) => {
      const b = e.target.closest("[data-fold]");
      if (b) this.foldMove(b.dataset.fold);
    });
    this.onKey = (e) => this.key(e);
    document.addEventListener("keydown", this.onKey);
    this.onResize = () => {
      this.fitMemo = {}; // the panel's width changed: measure the equations again
      this.draw();
    };
    this.onStep = (e) => this.follow(e.detail);
    document.addEventListener("rnnvis-step", this.onStep);
    window.addEventListener("resize", this.onResize);
  }

  destroy() {
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("resize", this.onResize);
    document.removeEventListener("rnnvis-step", this.onStep);
    this.stop();
    clearInterval(this.foldTimer);
    clearTimeout(this.reportTimer);
    this.root.remove();
  }

  load(data) {
    this.d = data;
    this.t = clamp(data.step, 1, data.T);
    this.phase = data.phase === "backward" ? "backward" : "forward";
    const L = data.labels;
    this.q(".player").classList.toggle("present", !!data.present);
    this.q(".player").classList.toggle("compact", !!data.compact);
    this.q(".player").classList.toggle("heat-only", !!data.heat_only);
    for (const b of this.root.querySelectorAll(".phase")) b.textContent = L[b.dataset.phase];
    const titles = { first: L.first, back: L.back, play: L.play, next: L.next, last: L.last };
    for (const b of this.root.querySelectorAll(".move")) {
      b.title = titles[b.dataset.move];
      b.setAttribute("aria-label", titles[b.dataset.move]);
    }
    const scrub = this.q(".scrub");
    scrub.max = String(data.T);
    scrub.setAttribute("aria-label", L.scrub);
    scrub.disabled = data.T < 2;
    this.q(".chain").setAttribute("aria-label", "The unrolled chain: one column per step; activate a node to open its computation");
    this.q(".heat").setAttribute("aria-label", `The hidden state ${L.h}_t of every step read so far, one row per hidden unit`);
    this.q(".loss-label").textContent = L.loss + ".";
    this.q(".chain").setAttribute("aria-description", L.hint);
    this.q(".loss-label").title = L.loss_explained;
    this.q(".stacked summary").textContent = L.stacked;
    this.q(".stacked").hidden = data.cell !== "rnn" || !!data.deep;
    if (this.node === "c" && data.cell !== "lstm") this.node = "h";
    if (data.compact) this.phase = "forward";
    const fold = this.q(".fold");
    fold.hidden = !!data.compact;
    this.q(".fold summary").textContent = L.fold_title;
    this.q(".fold-hint").textContent = L.fold_hint;
    this.q(".fold-svg").setAttribute("aria-label", "The fold: a feed-forward net becomes the unrolled RNN in five moves");
    this.stage = clamp(data.fold_stage || 1, 1, data.fold.moves.length);
    if (data.fold_open) fold.open = true;
    this.drawFold();
    this.draw();
  }

  // ------------------------------------------------------------------ moving

  bounds() {
    // forward: 1..T; backward: from the last step with a loss down to 1 (an empty last step only onwards)
    return this.phase === "backward" ? [1, Math.max(this.d.backward_start, this.t)] : [1, this.d.T];
  }

  go(t, { fromPlay = false } = {}) {
    if (!fromPlay) this.stop();
    const [lo, hi] = this.bounds();
    const next = clamp(Math.round(t), lo, hi);
    if (next === this.t) return false;
    this.t = next;
    this.draw();
    this.moved();
    return true;
  }

  move(kind) {
    const back = this.phase === "backward";
    const start = this.d.backward_start;
    const to = {
      first: back ? start : 1,
      last: back ? 1 : this.d.T,
      next: back ? this.t - 1 : this.t + 1,
      back: back ? this.t + 1 : this.t - 1,
    }[kind];
    this.go(to);
  }

  setPhase(phase) {
    if (phase === this.phase) return;
    this.stop();
    this.phase = phase;
    this.t = phase === "backward" ? this.d.backward_start : 1; // BPTT opens on the last step with a loss
    this.node = phase === "backward" ? "back" : "h";
    this.draw();
    this.moved();
  }

  play() {
    if (this.playing) return this.stop();
    const back = this.phase === "backward";
    const end = back ? 1 : this.d.T;
    if (this.t === end) this.t = back ? this.d.backward_start : 1; // play again from the start
    this.playing = setInterval(() => {
      if (this.t === end || !this.go(this.t + (back ? -1 : 1), { fromPlay: true })) this.stop();
    }, PLAY_MS);
    this.draw();
  }

  stop() {
    if (!this.playing) return;
    clearInterval(this.playing);
    this.playing = null;
    this.drawBar();
    this.moved();
  }

  pick(node) {
    this.node = node;
    if (!this.d.compact) this.drawPanel();
  }

  // The address bar follows at once; the server hears of the step once the student pauses.
  moved() {
    if (this.d.compact) return this.announce(); // Home's chain: its steps are its own, not the page's address
    const url = new URL(window.location.href);
    if (this.t === 1) url.searchParams.delete("step");
    else url.searchParams.set("step", String(this.t));
    if (this.phase === "forward") url.searchParams.delete("phase");
    else url.searchParams.set("phase", this.phase);
    window.history.replaceState(window.history.state, "", url.toString());
    clearTimeout(this.reportTimer);
    if (this.playing) return;
    this.reportTimer = setTimeout(() => {
      if (!this.playing && this.setState) this.setState("position", { step: this.t, phase: this.phase, run: this.d.id });
    }, REPORT_MS);
  }

  onBar(e) {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.phase) return this.setPhase(b.dataset.phase);
    if (b.dataset.move === "play") return this.play();
    if (b.dataset.move) this.move(b.dataset.move);
  }

  onChain(e) {
    const g = e.target.closest("[data-col]");
    if (!g) return;
    const node = e.target.closest("[data-node]");
    this.go(Number(g.dataset.col));
    if (node) this.pick(node.dataset.node);
  }

  key(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !this.d || this.d.heat_only) return;
    const el = e.composedPath()[0];
    const tag = el && el.tagName ? el.tagName.toLowerCase() : "";
    if (["input", "textarea", "select"].includes(tag) && !(el.classList && el.classList.contains("scrub"))) return;
    if (el && el.isContentEditable) return;
    if (!this.root.isConnected) return;
    const kinds = { ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last" };
    if (kinds[e.key]) {
      e.preventDefault();
      this.move(kinds[e.key]);
    } else if (e.key === " " && !(el && el.closest && el.closest("button, summary, [role=button]"))) {
      e.preventDefault();
      this.play();
    }
  }

  // ------------------------------------------------------------------ the fold: five moves to the RNN

  foldMove(kind) {
    const last = this.d.fold.moves.length;
    if (kind === "play") {
      if (this.foldTimer) {
        clearInterval(this.foldTimer);
        this.foldTimer = null;
      } else {
        this.stage = 1;
        this.foldTimer = setInterval(() => {
          if (this.stage >= last) {
            clearInterval(this.foldTimer);
            this.foldTimer = null;
          } else this.stage += 1;
          this.drawFold();
        }, 1600);
      }
    } else {
      this.stage = clamp(this.stage + (kind === "next" ? 1 : -1), 1, last);
    }
    if (!this.d.compact) {
      const url = new URL(window.location.href);
      if (this.stage === this.d.fold_default) url.searchParams.delete("fold"); // a link names non-defaults only
      else url.searchParams.set("fold", String(this.stage));
      window.history.replaceState(window.history.state, "", url.toString());
    }
    this.drawFold();
  }

  drawFold() {
    const F = this.d.fold;
    const k = this.stage;
    const [name, text] = F.moves[k - 1];
    this.q(".move-text").innerHTML = `<strong>Move ${k} of ${F.moves.length}: ${esc(name)}.</strong> ${esc(text)}`;
    this.q("[data-fold=prev]").disabled = k <= 1;
    this.q("[data-fold=next]").disabled = k >= F.moves.length;
    const play = this.q("[data-fold=play]");
    play.textContent = this.foldTimer ? "⏸ Pause" : "▶ Play the five moves";
    play.setAttribute("aria-pressed", String(!!this.foldTimer));
    const [x0, x1] = F.xr;
    const [y0, y1] = F.yr;
    const W = 560;
    const H = Math.round((W * (y1 - y0)) / (x1 - x0));
    const px = (x) => (((x - x0) / (x1 - x0)) * W).toFixed(1);
    const py = (y) => (H - ((y - y0) / (y1 - y0)) * H).toFixed(1);
    const shape = ([x, y, kind, hover]) => {
      const X = +px(x);
      const Y = +py(y);
      const tip = `<title>${esc(hover)}</title>`;
      if (kind === "neuron") return `<circle class="f-neuron" cx="${X}" cy="${Y}" r="6">${tip}</circle>`;
      if (kind === "x") return `<path class="f-x" d="M${X},${Y - 14}L${X + 16},${Y}L${X},${Y + 14}L${X - 16},${Y}z">${tip}</path>`;
      if (kind === "h") return `<rect class="f-h" x="${X - 16}" y="${Y - 16}" width="32" height="32" rx="4">${tip}</rect>`;
      return `<circle class="f-y" cx="${X}" cy="${Y}" r="14">${tip}</circle>`;
    };
    const scene = (sc, cls) => {
      const out = [`<g class="${cls}">`];
      for (const [a, b, c, d] of sc.wires) out.push(`<line class="f-wire" x1="${px(a)}" y1="${py(b)}" x2="${px(c)}" y2="${py(d)}"/>`);
      for (const [a, b, c, d] of sc.arrows) out.push(`<line class="f-arrow" x1="${px(a)}" y1="${py(b)}" x2="${px(c)}" y2="${py(d)}" marker-end="url(#f-arr)"/>`);
      for (const [a, b, c, d] of sc.carries) out.push(`<line class="f-carry" x1="${px(a)}" y1="${py(b)}" x2="${px(c)}" y2="${py(d)}" marker-end="url(#f-arr)"/>`);
      if (sc.loop.length) out.push(`<polyline class="f-loop" points="${sc.loop.map(([x, y]) => `${px(x)},${py(y)}`).join(" ")}" marker-end="url(#f-arr)"/>`);
      out.push(...sc.nodes.map(shape));
      for (const [x, y, t] of sc.labels) out.push(`<text x="${px(x)}" y="${(+py(y) + 4).toFixed(1)}" text-anchor="middle">${esc(t)}</text>`);
      out.push("</g>");
      return out.join("");
    };
    const svg = this.q(".fold-svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H));
    svg.innerHTML =
      `<defs><marker id="f-arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4c78a8"/></marker></defs>` +
      scene(F.scenes[k - 1], "ghost") +
      scene(F.scenes[k], `now m${k}`);
  }

  // ------------------------------------------------------------------ drawing

  draw() {
    if (!this.d) return;
    if (this.d.heat_only) return this.drawHeat();
    this.drawBar();
    this.drawChain();
    if (this.d.compact) return; // Home's chain: the chain only
    this.drawPanel();
    this.drawHeat();
  }

  // Home: the heatmap is a second, heat-only player under the compact chain (the chain alone fits a projector's
  // screen), on the chain's step: the chain announces each step on the document, the heatmap follows.
  announce() {
    document.dispatchEvent(new CustomEvent("rnnvis-step", { detail: { run: this.d.id, t: this.t } }));
  }

  follow({ run, t }) {
    if (!this.d || !this.d.heat_only || run !== this.d.id) return;
    this.t = clamp(t, 1, this.d.T);
    this.drawHeat();
  }

  step() {
    return this.d.steps[this.t - 1];
  }

  drawBar() {
    const s = this.step();
    const back = this.phase === "backward";
    this.q(".head").textContent = back ? s.back_head : s.head;
    this.q(".rest").textContent = back ? s.back_rest : s.rest;
    for (const b of this.root.querySelectorAll(".phase")) b.setAttribute("aria-pressed", String(b.dataset.phase === this.phase));
    const [lo, hi] = this.bounds();
    const at = { first: this.t === (back ? this.d.backward_start : 1), last: this.t === (back ? 1 : this.d.T) };
    const q = (m) => this.root.querySelector(`[data-move=${m}]`);
    q("first").disabled = at.first;
    q("last").disabled = at.last;
    q("next").disabled = back ? this.t <= lo : this.t >= hi;
    q("back").disabled = back ? this.t >= this.d.backward_start : this.t <= lo;
    const play = q("play");
    const L = this.d.labels;
    play.textContent = this.playing ? "⏸ Pause" : "▶ Play";
    play.setAttribute("aria-label", this.playing ? L.pause : L.play);
    play.setAttribute("aria-pressed", String(!!this.playing));
    const scrub = this.q(".scrub");
    scrub.value = String(this.t);
    scrub.setAttribute("aria-valuetext", `step ${this.t} of ${this.d.T}`);
    this.q(".where").textContent = `t = ${this.t} / ${this.d.T}`;
  }

  drawChain() {
    if (this.d.deep) return this.drawDeepChain();
    const d = this.d;
    const n = d.labels.notation;
    const svg = this.q(".chain");
    const wrap = this.q(".chain-wrap");
    const width = Math.max(320, wrap.clientWidth || 600);
    const lstm = d.cell === "lstm";
    const back = this.phase === "backward";
    const shown = back ? d.T : this.t; // forward: the future stays empty
    const cols = Math.max(2, Math.floor((width - 40) / COL_W));
    const W = Math.min(d.T, cols);
    // forward: the current step near the right edge (what was read); backward: near the left (where the error
    // comes from lies to the right)
    const lead = back ? this.t - 1 : this.t - W + Math.min(2, W - 1);
    const start = clamp(lead, 1, Math.max(1, d.T - W + 1));
    const y = { top: 14, yhat: 38, h: 90, c: 126, x: lstm ? 162 : 136 };
    y.tok = y.x + 28;
    y.loss = y.tok + 16;
    const height = y.loss + 10;
    const x0 = 40;
    const cx = (k) => x0 + (k - start) * COL_W + COL_W / 2;
    const parts = [];
    const maxDh = Math.max(1e-12, ...d.steps.map((s) => s.dh || 0));
    parts.push(`<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4c78a8"/></marker>
      <marker id="arr-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c0392b"/></marker></defs>`);
    // h_0 (or the step carried in from before the view)
    const h0x = x0 - 14;
    parts.push(`<text class="lbl faint" x="${h0x}" y="${y.h + 4}" text-anchor="middle">${esc(start === 1 ? sym("h", 0, n) : "…")}</text>`);
    for (let k = start; k < start + W; k++) {
      const s = d.steps[k - 1];
      const x = cx(k);
      const here = k === this.t;
      const known = k <= shown;
      const label = known ? `Step ${k}` : `Step ${k} (not read yet)`;
      parts.push(`<g data-col="${k}" class="col${here ? " here" : ""}${known ? "" : " future"}">`);
      parts.push(`<rect class="colbg" x="${x - COL_W / 2 + 2}" y="2" width="${COL_W - 4}" height="${height - 4}" rx="6"/>`);
      if (!known) {
        parts.push(`<rect class="slot" role="button" tabindex="0" aria-label="${esc(label)}: go there" x="${x - 16}" y="${y.h - 14}" width="32" height="28" rx="4"/>`);
        parts.push(`</g>`);
        continue;
      }
      // recurrent arrow from the previous column (or h_0)
      const px = k === start ? h0x + 8 : cx(k - 1) + 16;
      parts.push(`<line class="rec" x1="${px}" y1="${y.h}" x2="${x - 17}" y2="${y.h}" marker-end="url(#arr)"/>`);
      if (lstm) parts.push(`<line class="rec mem" x1="${k === start ? h0x + 8 : cx(k - 1) + 12}" y1="${y.c}" x2="${x - 13}" y2="${y.c}" marker-end="url(#arr)"/>`);
      parts.push(`<line class="up" x1="${x}" y1="${y.x - 12}" x2="${x}" y2="${(lstm ? y.c : y.h) + 14}" marker-end="url(#arr)"/>`);
      parts.push(`<line class="up" x1="${x}" y1="${y.h - 14}" x2="${x}" y2="${y.yhat + 13}" marker-end="url(#arr)"/>`);
      const node = (kind, shape, aria) =>
        `<g data-node="${kind}" role="button" tabindex="0" aria-label="${esc(aria)}" class="node n-${kind}${here && this.node === kind ? " picked" : ""}">${shape}</g>`;
      const yTop = s.top.length ? (d.regression ? `→ ${s.top[0][0]}` : `${s.top[0][0]} ${fmt(s.top[0][1])}`) : "";
      parts.push(node("y", `<circle cx="${x}" cy="${y.yhat}" r="13"/><text x="${x}" y="${y.yhat + 4}" text-anchor="middle">${esc(sym("ŷ", k, n))}</text>`, `${sym("ŷ", k, n)}, the prediction of step ${k}`));
      parts.push(`<text class="lbl guess" x="${x}" y="${y.top}" text-anchor="middle">${esc(yTop)}</text>`);
      parts.push(node("h", `<rect x="${x - 16}" y="${y.h - 14}" width="32" height="28" rx="4"/><text x="${x}" y="${y.h + 4}" text-anchor="middle">${esc(sym("h", k, n))}</text>`, `${sym("h", k, n)}, the hidden state of step ${k}`));
      if (lstm) parts.push(node("c", `<rect x="${x - 12}" y="${y.c - 12}" width="24" height="24" rx="2"/><text x="${x}" y="${y.c + 4}" text-anchor="middle">${esc(sym("c", k, n))}</text>`, `${sym("c", k, n)}, the memory cell of step ${k}`));
      parts.push(node("x", `<path d="M${x},${y.x - 13}L${x + 15},${y.x}L${x},${y.x + 13}L${x - 15},${y.x}z"/><text x="${x}" y="${y.x + 4}" text-anchor="middle">${esc(sym("x", k, n))}</text>`, `${sym("x", k, n)}, the input of step ${k}`));
      const tok = s.token.length > 10 ? s.token.slice(0, 9) + "…" : s.token;
      parts.push(`<text class="lbl tok" x="${x}" y="${y.tok}" text-anchor="middle">“${esc(tok)}”</text>`);
      parts.push(`<text class="lbl loss" x="${x}" y="${y.loss}" text-anchor="middle">${s.loss === null ? "no loss" : "L" + (n === "a" ? `⟨${k}⟩` : `_${k}`) + " = " + fmt(s.loss)}</text>`);
      if (back && k >= this.t && k <= d.backward_start) {
        // the error reaching h_k, and what flows on to h_(k-1)
        const w = 1 + 4 * ((s.dh || 0) / maxDh);
        parts.push(`<text class="lbl grad" x="${x + 18}" y="${y.h - 20}" text-anchor="start">${fmt(s.dh)}</text>`);
        if (s.from_loss) parts.push(`<line class="err" x1="${x + 8}" y1="${y.yhat + 14}" x2="${x + 8}" y2="${y.h - 15}" marker-end="url(#arr-red)" stroke-width="2"/>`);
        if (k > start || start > 1) {
          const tx = k === start ? h0x + 8 : cx(k - 1) + 17;
          parts.push(`<line class="err" x1="${x - 17}" y1="${y.h + 9}" x2="${tx}" y2="${y.h + 9}" marker-end="url(#arr-red)" stroke-width="${w.toFixed(1)}"/>`);
        }
      }
      parts.push(`</g>`);
    }
    this.finishChain(svg, parts, x0 + W * COL_W + 4, height, back);
  }

  // The chain's SVG drawn at its size, and the sentence under it: the total loss (backward) or the running sum.
  finishChain(svg, parts, width, height, back) {
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.innerHTML = parts.join("");
    this.q(".loss-sum").textContent = back ? `Total L = ${fmt(this.d.total_loss, 3)}.` : this.step().loss_sum + ".";
  }

  // ------------------------------------------------------------------ a stacked / bidirectional network

  // One row per layer and direction (bottom layer first, its → row under its ← row), x_t below, ŷ_t on top.
  // The → rows reveal steps 1..t (the future stays empty); the ← rows run right to left, so they are shown
  // complete at every step (visualizer/content/deep_player_notes.py says why).
  drawDeepChain() {
    const d = this.d;
    const D = d.deep;
    const n = d.labels.notation;
    const svg = this.q(".chain");
    const wrap = this.q(".chain-wrap");
    const width = Math.max(320, wrap.clientWidth || 600);
    const back = this.phase === "backward";
    const shown = back ? d.T : this.t;
    const x0 = 74; // room for the row labels
    const cols = Math.max(2, Math.floor((width - x0 - 4) / COL_W));
    const W = Math.min(d.T, cols);
    const lead = back ? this.t - 1 : this.t - W + Math.min(2, W - 1);
    const start = clamp(lead, 1, Math.max(1, d.T - W + 1));
    const cx = (k) => x0 + (k - start) * COL_W + COL_W / 2;
    const ROW = 26;
    const GAP = 8; // between layers
    const nRows = D.rows.length;
    const y = { top: 14, yhat: 38 };
    // rows from the top: the top layer's ← row first (drawing order does not matter, positions do)
    const rowY = [];
    let cursor = y.yhat + 40;
    for (let i = nRows - 1; i >= 0; i--) {
      rowY[i] = cursor;
      const nextLayer = i > 0 && D.rows[i - 1].layer !== D.rows[i].layer;
      cursor += ROW + (nextLayer ? GAP : 0);
    }
    y.x = cursor + 6;
    y.tok = y.x + 28;
    y.loss = y.tok + 16;
    const height = y.loss + 10;
    const layerRows = (layer) => D.rows.map((r, i) => [r, i]).filter(([r]) => r.layer === layer).map(([, i]) => i);
    const maxDh = Math.max(1e-12, ...d.steps.flatMap((s) => s.rows.map((r) => r.dh || 0)));
    const parts = [];
    parts.push(`<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4c78a8"/></marker>
      <marker id="arr-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c0392b"/></marker></defs>`);
    D.rows.forEach((r, i) => {
      parts.push(`<text class="lbl rowlabel" data-row="${i}" x="4" y="${rowY[i] + 4}">${esc(r.label)}</text>`);
    });
    parts.push(`<text class="lbl rowlabel" x="4" y="${y.yhat + 4}">output</text>`);
    parts.push(`<text class="lbl rowlabel" x="4" y="${y.x + 4}">input</text>`);
    for (let k = start; k < start + W; k++) {
      const s = d.steps[k - 1];
      const x = cx(k);
      const here = k === this.t;
      const known = k <= shown;
      parts.push(`<g data-col="${k}" class="col${here ? " here" : ""}${known ? "" : " future"}">`);
      parts.push(`<rect class="colbg" x="${x - COL_W / 2 + 2}" y="2" width="${COL_W - 4}" height="${height - 4}" rx="6"/>`);
      const node = (kind, shape, aria, extra = "") =>
        `<g data-node="${kind}" role="button" tabindex="0" aria-label="${esc(aria)}" class="node n-${kind}${here && this.node === kind ? " picked" : ""}"${extra}>${shape}</g>`;
      const readByBackward = D.dirs === 2; // the ← rows have read every x_k, also ahead of step t
      if (known || readByBackward) {
        parts.push(node("x", `<path d="M${x},${y.x - 13}L${x + 15},${y.x}L${x},${y.x + 13}L${x - 15},${y.x}z"/><text x="${x}" y="${y.x + 4}" text-anchor="middle">${esc(sym("x", k, n))}</text>`, `${sym("x", k, n)}, the input of step ${k}`));
        const tok = s.token.length > 10 ? s.token.slice(0, 9) + "…" : s.token;
        parts.push(`<text class="lbl tok" x="${x}" y="${y.tok}" text-anchor="middle">“${esc(tok)}”</text>`);
      }
      D.rows.forEach((r, i) => {
        const ry = rowY[i];
        const visible = r.dir === 1 || known;
        if (!visible) {
          parts.push(`<rect class="slot" role="button" tabindex="0" data-row="${i}" aria-label="${esc(`Step ${k} of ${r.label} (not read yet): go there`)}" x="${x - 16}" y="${ry - 11}" width="32" height="22" rx="4"/>`);
          return;
        }
        // the recurrent arrow: → from the column on the left, ← from the column on the right
        if (r.dir === 0) {
          if (k > start) parts.push(`<line class="rec" x1="${cx(k - 1) + 16}" y1="${ry}" x2="${x - 17}" y2="${ry}" marker-end="url(#arr)"/>`);
        } else if (k < d.T) {
          const from = k === start + W - 1 ? x + COL_W / 2 : cx(k + 1) - 16;
          parts.push(`<line class="rec rtl" data-row="${i}" x1="${from}" y1="${ry}" x2="${x + 17}" y2="${ry}" marker-end="url(#arr)"/>`);
        }
        const val = s.rows[i];
        const name = sym("h", k, n); // the row label on the left names the layer and direction
        parts.push(node("h", `<rect x="${x - 16}" y="${ry - 11}" width="32" height="22" rx="4"/><text x="${x}" y="${ry + 4}" text-anchor="middle">${esc(name)}</text><title>${esc(`${r.label}, step ${k}: ${d.labels.h}[0..] = ${val.h.slice(0, 4).map((v) => fmt(v, 3)).join(", ")}${val.h.length > 4 ? ", …" : ""}`)}</title>`, `${name} of ${r.label}, step ${k}`, ` data-row="${i}"`));
        if (back) {
          // this step's ‖∂L/∂h_t^[l]‖ beside each row's node (every row's value is also in the panel)
          if (here) parts.push(`<text class="lbl grad" data-row="${i}" x="${x + 18}" y="${ry - 13}" text-anchor="start">${fmt(val.dh)}</text>`);
          const w = 1 + 3 * ((val.dh || 0) / maxDh);
          // the error flows against the direction of reading: → rows to the left, ← rows to the right
          if (r.dir === 0 && k > start) parts.push(`<line class="err" x1="${x - 17}" y1="${ry + 9}" x2="${cx(k - 1) + 17}" y2="${ry + 9}" marker-end="url(#arr-red)" stroke-width="${w.toFixed(1)}"/>`);
          if (r.dir === 1 && k < start + W - 1) parts.push(`<line class="err" x1="${x + 17}" y1="${ry + 9}" x2="${cx(k + 1) - 17}" y2="${ry + 9}" marker-end="url(#arr-red)" stroke-width="${w.toFixed(1)}"/>`);
        }
      });
      if (known) {
        // up the stack: x_t into layer 1, each layer's output [→h; ←h] into the layer above, the top into ŷ_t
        for (let layer = 1; layer <= D.L; layer++) {
          const idx = layerRows(layer);
          const lo = Math.max(...idx.map((i) => rowY[i])) + 12;
          const hi = Math.min(...idx.map((i) => rowY[i])) - 12;
          if (idx.length === 2) parts.push(`<rect class="concat" x="${x - 21}" y="${hi - 3}" width="42" height="${lo - hi + 6}" rx="6"><title>${esc(`[→${sym("h", k, n)}; ←${sym("h", k, n)}] of layer ${layer}`)}</title></rect>`);
          const below = layer === 1 ? y.x - 13 : Math.min(...layerRows(layer - 1).map((i) => rowY[i])) - 12 - (D.dirs === 2 ? 3 : 0);
          parts.push(`<line class="up" x1="${x - 24}" y1="${below}" x2="${x - 24}" y2="${lo + (idx.length === 2 ? 3 : 0)}" marker-end="url(#arr)"/>`);
        }
        const topRow = Math.min(...layerRows(D.L).map((i) => rowY[i])) - 12 - (D.dirs === 2 ? 3 : 0);
        parts.push(`<line class="up" x1="${x}" y1="${topRow}" x2="${x}" y2="${y.yhat + 13}" marker-end="url(#arr)"/>`);
        const yTop = s.top.length ? (d.regression ? `→ ${s.top[0][0]}` : `${s.top[0][0]} ${fmt(s.top[0][1])}`) : "";
        parts.push(node("y", `<circle cx="${x}" cy="${y.yhat}" r="13"/><text x="${x}" y="${y.yhat + 4}" text-anchor="middle">${esc(sym("ŷ", k, n))}</text>`, `${sym("ŷ", k, n)}, the prediction of step ${k}`));
        parts.push(`<text class="lbl guess" x="${x}" y="${y.top}" text-anchor="middle">${esc(yTop)}</text>`);
        parts.push(`<text class="lbl loss" x="${x}" y="${y.loss}" text-anchor="middle">${s.loss === null ? "no loss" : "L" + (n === "a" ? `⟨${k}⟩` : `_${k}`) + " = " + fmt(s.loss)}</text>`);
      }
      parts.push(`</g>`);
    }
    this.finishChain(svg, parts, x0 + W * COL_W + 4, height, back);
  }

  // The backward pass of a deep network: ‖∂L/∂h_t^[l]‖ of every row at this step, each row's running
  // ‖∂L/∂W_hh^[l]‖ (the steps its BPTT has walked) and its total over the whole sequence.
  deepBackText() {
    const D = this.d.deep;
    const s = this.step();
    const per = D.rows.map((r, i) => `${esc(r.label)}: ${fmt(s.rows[i].dh, 3)}`).join("; ");
    const w = D.rows.map((r, i) => `${esc(r.label)}: ${fmt(D.wnorm[i], 3)}`).join("; ");
    const run = D.rows.map((r, i) => `${esc(r.label)}: ${fmt(s.rows[i].running, 3)}`).join("; ");
    return `<p class="num">‖∂L/∂h<sub>${this.t}</sub><sup>[l]</sup>‖ — ${per}</p><p class="num">${esc(D.rlabel)} — ${run}</p><p class="num">${esc(D.wlabel)} — ${w}</p>`;
  }

  drawPanel() {
    const d = this.d;
    const s = this.step();
    const L = d.labels;
    const n = L.notation;
    const back = this.phase === "backward";
    const kinds = back ? ["back"] : d.cell === "lstm" && !d.deep ? ["x", "h", "c", "y"] : ["x", "h", "y"];
    if (!kinds.includes(this.node)) this.node = back ? "back" : "h";
    const names = { x: sym("x", this.t, n), h: sym("h", this.t, n), c: sym("c", this.t, n), y: sym("ŷ", this.t, n), back: "BPTT" };
    this.q(".nodes").innerHTML = kinds
      .map((k) => `<button type="button" data-node="${k}" aria-pressed="${k === this.node}">${esc(names[k])}</button>`)
      .join("");
    const title = L[`node_${this.node}`].replace(/_t\b|⟨t⟩/, (m) => (m === "_t" ? `_${this.t}` : `⟨${this.t}⟩`)).replace(" step t", ` step ${this.t}`);
    this.q(".panel-title").textContent = title;
    const eq = s.eq[this.node] || [];
    let extra = "";
    if (back && d.deep) {
      extra = this.deepBackText();
    } else if (back) {
      extra = `<p class="num">${esc(L.dh.replace(/_t/, "_" + this.t))} = ${fmt(s.dh, 3)}; ${esc(L.running)} = ${fmt(s.running, 3)}</p>`;
    } else if (this.node === "y" && !d.regression) {
      extra = `<p class="num">Top guesses: ${s.top.map(([w, p]) => `“${esc(w)}” ${fmt(p, 3)}`).join(", ")}${s.next === null ? "" : `; the true next token is “${esc(s.next)}”`}.</p>`;
    }
    this.q(".eq").innerHTML = extra + eq.join("");
    const gates = !back && this.node === "h" ? s.gates : [];
    const variant = gates.length && L.variant ? `<p class="num">${esc(L.variant)}</p>` : "";
    this.q(".gates").innerHTML = variant + gates.map((g) => this.gateBars(g)).join("");
    const stacked = this.q(".stacked");
    stacked.hidden = d.cell !== "rnn" || back || this.node !== "h" || !!d.deep;
    if (!stacked.hidden) this.q(".eq-stacked").innerHTML = (s.eq.stacked || []).join("");
    this.fitPanel();
  }

  fitPanel() {
    const key = `${this.phase}|${this.node}|${this.d.id}`;
    this.fitMemo = this.fitMemo || {};
    this.fitMemo[key] = fitEquations(this.q(".eq"), this.fitMemo[key]);
    if (this.q(".stacked").open) fitEquations(this.q(".eq-stacked"));
  }

  gateBars(g) {
    const H = g.values.length;
    const w = 200;
    const bw = w / H;
    const lo = g.squash === "tanh" ? -1 : 0;
    const yOf = (v) => 30 - ((v - lo) / (1 - lo)) * 28;
    const base = yOf(lo === -1 ? 0 : 0);
    const bars = g.values
      .map((v, j) => {
        const top = Math.min(yOf(v), base);
        const h = Math.max(1, Math.abs(yOf(v) - base));
        return `<rect x="${(j * bw).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${v >= 0 ? "#4c78a8" : "#c0392b"}"><title>${esc(g.name)} unit ${j}: ${fmt(v, 3)}</title></rect>`;
      })
      .join("");
    return `<div class="gate"><span class="gname">${esc(g.key)}: ${esc(g.name)}</span>
      <svg width="${w}" height="32" role="group" aria-label="${esc(g.name)}, one bar per hidden unit">${bars}</svg>
      <span class="said">${esc(g.said)}</span></div>`;
  }

  // The heatmap's rows and their geometry: computed once per run and width (stepping only adds or removes
  // columns and moves the cursor, so a step costs O(H), not O(T·H)).
  heatLayout(width) {
    const d = this.d;
    if (d.heat.rows) return this.deepHeatLayout(width);
    const rows = [[d.labels.h, d.heat.h, 1, d.tokens]];
    if (d.heat.b) {
      // the second sequence read by the same weights, and the difference while both have a step
      const b = d.heat.b.h;
      const diff = d.heat.h.slice(0, b.length).map((col, k) => col.map((v, j) => (v === null || b[k][j] === null ? null : v - b[k][j])));
      rows.push([`B: ${d.labels.h}`, b, 1, d.heat.b.tokens]);
      rows.push([`A − B: ${d.labels.h}`, diff, 2, d.tokens]);
    }
    if (d.heat.c) {
      const m = Math.max(1e-9, ...d.heat.c.flat().map((v) => Math.abs(v || 0)));
      rows.push(["c", d.heat.c, m, d.tokens]);
    }
    const left = 64;
    const cols = Math.max(d.T, d.heat.b ? d.heat.b.h.length : 0);
    const cw = Math.min(80, (width - left - 8) / cols);
    let y0 = 4;
    const out = [];
    for (const [name, mat, scale, toks] of rows) {
      const H = mat[0] ? mat[0].length : 0;
      // the rows share ~90 px (~60 px in presenter mode, where the larger type above takes the room)
      const budget = this.d.present ? 60 : 90;
      const ch = Math.min(12, budget / rows.length / Math.max(H, 1));
      out.push({ name, mat, scale, toks, H, ch, y0 });
      y0 += H * ch + 8;
    }
    return { rows: out, left, cw, width, axisY: y0 };
  }

  // A deep run's heatmap: one band per layer and direction; the ← bands are `full` (drawn complete at once).
  deepHeatLayout(width) {
    const d = this.d;
    const left = 74;
    const cw = Math.min(80, (width - left - 8) / d.T);
    const budget = d.present ? 66 : 84;
    let y0 = 4;
    const out = [];
    for (const [name, mat, full] of d.heat.rows) {
      const H = mat[0] ? mat[0].length : 0;
      const ch = Math.min(8, budget / d.heat.rows.length / Math.max(H, 1));
      out.push({ name, mat, scale: 1, toks: d.tokens, H, ch, y0, full });
      y0 += H * ch + 3;
    }
    return { rows: out, left, cw, width, axisY: y0 };
  }

  heatColumn(row, k) {
    const { left, cw } = this.heat;
    const n = this.d.labels.notation;
    const { name, mat, scale, toks, H, ch, y0 } = row;
    const col = mat[k - 1];
    const who = this.d.heat.rows
      ? `${name}: ${sym(this.d.labels.h, k, n)}`
      : (name.includes(": ") ? name.split(": ")[0] + " " : "") + sym(name === "c" ? "c" : this.d.labels.h, k, n);
    const x = (left + (k - 1) * cw).toFixed(1);
    const w = Math.max(1, cw - 0.5).toFixed(1);
    const h = Math.max(0.6, ch - (ch > 3 ? 0.5 : 0)).toFixed(2);
    const cells = [];
    for (let j = 0; j < H; j++) {
      const v = col[j];
      cells.push(`<rect data-step="${k}" x="${x}" y="${(y0 + j * ch).toFixed(2)}" width="${w}" height="${h}" fill="${colour(v === null ? null : v / scale)}"><title>${esc(who)}[${j}] = ${fmt(v, 3)} (“${esc(toks[k - 1])}”)</title></rect>`);
    }
    return `<g data-col="${k}">${cells.join("")}</g>`;
  }

  // The ← bands of a deep run: every column at once (the backward direction has read the whole sequence).
  fillFullRows(svg) {
    const groups = svg.querySelectorAll("g.cells");
    this.heat.rows.forEach((row, r) => {
      if (!row.full) return;
      const cols = [];
      for (let k = 1; k <= row.mat.length; k++) cols.push(this.heatColumn(row, k));
      groups[r].innerHTML = cols.join("");
    });
  }

  drawHeat() {
    const d = this.d;
    const svg = this.q(".heat");
    const width = Math.max(320, this.q(".heat-wrap").clientWidth || 600);
    const key = `${d.id}|${width}`;
    if (this.heatKey !== key) {
      this.heat = this.heatLayout(width);
      this.heatKey = key;
      this.heatCols = 0;
      const { rows, left, cw, axisY } = this.heat;
      const parts = rows.map(({ name, mat, H, ch, y0 }) => {
        const label = d.heat.rows ? name : name.split(": ")[0] === name ? name + " units" : name.split(": ")[0];
        return `<text class="lbl axis" x="${left - 6}" y="${(y0 + (H * ch) / 2 + 4).toFixed(1)}" text-anchor="end">${esc(label)}</text>
          <rect class="frame" x="${left}" y="${y0}" width="${(cw * mat.length).toFixed(1)}" height="${(H * ch).toFixed(1)}"/>
          <g class="cells"></g>
          <rect class="cursor" x="${left}" y="${y0 - 1}" width="${cw.toFixed(1)}" height="${(H * ch + 2).toFixed(1)}"/>`;
      });
      parts.push(`<g class="ticks"></g>`);
      parts.push(`<text class="lbl axis" x="${left - 6}" y="${axisY + 10}" text-anchor="end">step t</text>`);
      parts.push(`<text class="lbl axis" x="${left}" y="${axisY + 24}">red &gt; 0, blue &lt; 0, white 0 · hover a cell for its value</text>`);
      svg.setAttribute("width", String(width));
      svg.setAttribute("height", String(Math.ceil(axisY + 30)));
      svg.innerHTML = parts.join("");
      this.fillFullRows(svg);
    }
    const { rows, left, cw, axisY } = this.heat;
    const shown = this.phase === "backward" ? d.T : this.t; // forward: the future stays empty
    const groups = svg.querySelectorAll("g.cells");
    for (; this.heatCols < shown; ) {
      const k = ++this.heatCols;
      rows.forEach((row, r) => {
        if (k <= row.mat.length && !row.full) groups[r].insertAdjacentHTML("beforeend", this.heatColumn(row, k));
      });
    }
    for (; this.heatCols > shown; this.heatCols--) {
      for (const [r, g] of [...groups].entries()) {
        if (rows[r].full) continue;
        const col = g.querySelector(`g[data-col="${this.heatCols}"]`);
        if (col) col.remove();
      }
    }
    const here = (left + (this.t - 1) * cw).toFixed(1);
    for (const c of svg.querySelectorAll("rect.cursor")) c.setAttribute("x", here);
    const every = Math.max(1, Math.ceil(40 / cw));
    const ticks = [];
    for (let k = 1; k <= shown; k++) {
      if (k % every && k !== this.t) continue;
      ticks.push(`<text class="lbl axis" x="${(left + (k - 0.5) * cw).toFixed(1)}" y="${axisY + 10}" text-anchor="middle">${k}</text>`);
    }
    svg.querySelector("g.ticks").innerHTML = ticks.join("");
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let player = parentElement.__rnnPlayer;
  if (!player) {
    const root = document.createElement("div");
    parentElement.appendChild(root);
    player = new Player(root);
    parentElement.__rnnPlayer = player;
  }
  player.setState = setStateValue;
  if (!player.d || player.d.id !== data.id) player.load(data);
  return () => {
    player.destroy();
    delete parentElement.__rnnPlayer;
  };
}
