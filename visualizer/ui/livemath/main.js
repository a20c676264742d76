// The explorer's equations with numbers, typeset by KaTeX in this frame. A step changes the numbers and
// little else: when the new LaTeX differs from the last only in its numbers, the numbers already on the
// page are rewritten in place (a few dozen text nodes) instead of typesetting ~1,500–4,000 elements
// again. Speaks Streamlit's component protocol (version 1) with plain postMessage.
"use strict";
const root = document.getElementById("math");
const spoken = document.getElementById("spoken");
const VERBATIM = new Set(["text", "textrm", "textit", "textbf", "mathrm", "operatorname", "begin", "end",
  "hspace", "kern", "mkern", "mskip", "htmlClass"]);
const SIGNED_AFTER = "{&([=,}";  // a '-' right after one of these (or a line break) is a number's sign
let skeleton = null;  // the LaTeX as typeset, its numbers taken out
let slots = [];       // the typeset numbers' elements, in order
let shown = [];       // ... and their texts
let frameHeight = 0;
let frameWidth = 0;
const counts = { typeset: 0, rewritten: 0 };

function send(type, data) {
  window.parent.postMessage({ isStreamlitMessage: true, type: type, ...data }, "*");
}

// Copy a braced {…} or bracketed […] group starting at i (after spaces); returns the index after it.
function group(tex, i) {
  while (tex[i] === " ") i++;
  const open = tex[i];
  const close = open === "{" ? "}" : open === "[" ? "]" : null;
  if (!close) return i;
  let depth = 0;
  for (let j = i; j < tex.length; j++) {
    if (tex[j] === "\\") { j++; continue; }
    if (tex[j] === open) depth++;
    else if (tex[j] === close && --depth === 0) return j + 1;
  }
  return tex.length;
}

// The LaTeX's numbers and the rest: {skeleton, numbers, wrapped}. `wrapped` is the LaTeX with each
// number k written {\htmlClass{qk}{…}}, so its element can be found once typeset; text arguments
// (\text{…}: token names, sentences) and sizes (\\[10pt]) are left as they are.
function split(tex) {
  let skel = "", wrapped = "", i = 0;
  const numbers = [];
  let before = "";  // the last character that is not a space
  while (i < tex.length) {
    const c = tex[i];
    if (c === "\\") {
      let j = i + 1;
      if (/[A-Za-z]/.test(tex[j] || "")) { while (/[A-Za-z]/.test(tex[j] || "")) j++; } else j++;
      const name = tex.slice(i + 1, j);
      if (VERBATIM.has(name) || name === "\\") {
        let k = group(tex, j);
        if (name === "begin" || name === "htmlClass") k = group(tex, k);  // \begin{array}{ccc}
        j = k;
      }
      const piece = tex.slice(i, j);
      if (name === "text") {  // a token's name or a few words: replaced as a whole when it changes
        const k = numbers.length;
        numbers.push(piece);
        skel += "#T"; wrapped += `{\\htmlClass{q${k}}{${piece}}}`;
        before = "}"; i = j;
        continue;
      }
      skel += piece; wrapped += piece; before = name === "\\" ? "\\" : piece[piece.length - 1]; i = j;
      continue;
    }
    const m = /^-?\d+(?:\.\d+)?/.exec(tex.slice(i, i + 40));
    if (m && (m[0][0] !== "-" || before === "" || before === "\\" || SIGNED_AFTER.includes(before))) {
      const k = numbers.length;
      numbers.push(m[0]);
      skel += "#"; wrapped += `{\\htmlClass{q${k}}{${m[0]}}}`;
      before = "0"; i += m[0].length;
      continue;
    }
    skel += c; wrapped += c; if (c !== " ") before = c; i++;
  }
  return { skeleton: skel, numbers: numbers, wrapped: wrapped };
}

function typeset(parts) {
  katex.render(parts.wrapped, root, {
    displayMode: true, output: "html", throwOnError: false, strict: "ignore",
    trust: (context) => context.command === "\\htmlClass",
  });
  slots = parts.numbers.map((_, k) => root.querySelector(".q" + k));
  shown = parts.numbers.slice();
  skeleton = parts.skeleton;
  counts.typeset++;
}

// A number is one text run in KaTeX's upright font; a \text{…} is typeset on its own (a few spans).
function rewrite(numbers) {
  numbers.forEach((text, k) => {
    if (text === shown[k] || !slots[k]) return;
    if (text.startsWith("\\text")) {
      const scratch = document.createElement("span");
      katex.render(text, scratch, { output: "html", throwOnError: false, strict: "ignore" });
      const base = scratch.querySelector(".katex-base, .base");  // (the class names of KaTeX 0.18 and before)
      const strut = (e) => e.classList.contains("katex-strut") || e.classList.contains("strut");
      slots[k].replaceChildren(...[...(base ? base.children : [])].filter((e) => !strut(e)));
    } else {
      const cell = document.createElement("span");
      const first = slots[k].firstElementChild;
      cell.className = (first && first.className) || "mord";
      cell.textContent = text.replace("-", "\u2212");  // KaTeX's minus sign
      slots[k].replaceChildren(cell);
    }
    shown[k] = text;
  });
  counts.rewritten++;
}

// A line wider than the frame is set smaller until it fits (down to 60 %, in 5 % steps; beyond that it
// scrolls sideways): a cut equation on a projector is worse than a smaller one. Checked again after every
// full typesetting; after a rewrite only when the line has grown past the edge, so the size does not
// flicker from step to step.
const SMALLEST = 0.6;
let fit = 1;
function fitWidth(fresh) {
  const overflows = () => root.scrollWidth > root.clientWidth + 1;
  if (!fresh && !overflows()) return;
  if (fresh && fit !== 1) { fit = 1; root.style.fontSize = ""; }
  if (!overflows()) return;
  const wanted = (fit * root.clientWidth) / root.scrollWidth;
  fit = Math.max(SMALLEST, Math.floor(wanted * 20) / 20);
  root.style.fontSize = fit + "em";
}

let lastArgs = null;
function draw(args) {
  lastArgs = args;
  const tex = String(args.tex || "");
  document.body.style.fontSize = 16 * (args.font_scale || 1) + "px";
  const parts = split(tex);
  const fresh = !(parts.skeleton === skeleton && slots.every(Boolean));
  if (fresh) typeset(parts);
  else rewrite(parts.numbers);
  fitWidth(fresh || frameWidth !== root.clientWidth);
  frameWidth = root.clientWidth;
  root.dataset.fit = fit;
  root.dataset.tex = tex;  // what is shown (read by tests and the benchmark)
  root.dataset.typeset = counts.typeset;
  root.dataset.rewritten = counts.rewritten;
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height !== frameHeight) { frameHeight = height; send("streamlit:setFrameHeight", { height: height }); }
  // For screen readers: the same equations as MathML, built when the browser has time to spare.
  const later = window.requestIdleCallback || ((f) => setTimeout(f, 50));
  later(() => {
    if (root.dataset.tex !== tex) return;  // a newer step came in meanwhile
    katex.render(tex, spoken, { displayMode: true, output: "mathml", throwOnError: false, strict: "ignore" });
  }, { timeout: 1000 });
}

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render" || typeof katex === "undefined") return;
  // Drawn at once, not at the next animation frame: the step's charts draw in that frame, and the
  // equations would then wait for them to finish, then for one more frame.
  draw(msg.args);
});

window.addEventListener("resize", () => {  // a new width: fit the lines again
  if (lastArgs && root.clientWidth !== frameWidth) draw(lastArgs);
});

if (typeof katex === "undefined") {
  const note = document.createElement("p");
  note.style.cssText = "font: 14px sans-serif; color: #7a1e00; margin: 8px 0;";
  note.textContent = "The equations could not be drawn (KaTeX did not load). Reload the page to try again.";
  document.body.replaceChildren(note);
  send("streamlit:setFrameHeight", { height: 40 });
}
send("streamlit:componentReady", { apiVersion: 1 });
