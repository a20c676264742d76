// One Plotly chart that stays mounted: every Streamlit rerun hands it a new figure spec and it is
// redrawn in place with Plotly.react (Streamlit's own chart element is rebuilt from scratch whenever
// its figure changes). Speaks Streamlit's component protocol (version 1) with plain postMessage.
"use strict";
const gd = document.getElementById("chart");
let look = null;          // Streamlit's light chart theme as a Plotly template (look.json)
let pending = null;       // a render that arrived before the template
const looks = {};         // the template at each font scale (presenter mode: 1.25)
let frameHeight = 0;
let clicks = 0;
let shown = null;         // the last render's arguments
let drawn = "";          // ... and their signature

function send(type, data) {
  window.parent.postMessage({ isStreamlitMessage: true, type: type, ...data }, "*");
}

// The page's own fonts (Streamlit serves "Source Sans"): copy their @font-face rules, with absolute URLs.
function borrowFonts() {
  let css = "";
  try {
    for (const sheet of window.parent.document.styleSheets) {
      let rules;
      try { rules = sheet.cssRules; } catch (e) { continue; }
      const base = sheet.href || window.parent.location.href;
      for (const rule of rules) {
        if (rule.type !== 5) continue;  // CSSRule.FONT_FACE_RULE
        css += rule.cssText.replace(/url\(["']?([^"')]+)["']?\)/g, (m, u) => `url("${new URL(u, base).href}")`) + "\n";
      }
    }
  } catch (e) { /* another origin: the system fonts will do */ }
  if (css) {
    const style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  }
}

function scaled(template, factor) {
  if (factor === 1) return template;
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") {
      const out = {};
      for (const [k, v] of Object.entries(node)) out[k] = k === "size" && typeof v === "number" ? v * factor : walk(v);
      return out;
    }
    return node;
  };
  return walk(template);
}

function draw(args) {
  const signature = [args.spec, args.font_scale, args.clickable, JSON.stringify(args.config)].join("|");
  if (signature === drawn) return;  // a rerun that changed nothing here
  drawn = signature;
  shown = args;
  const spec = typeof args.spec === "string" ? JSON.parse(args.spec) : args.spec || {};
  const layout = Object.assign({}, spec.layout || {});
  const factor = args.font_scale || 1;
  if (!looks[factor]) looks[factor] = scaled(look, factor);
  layout.template = looks[factor];
  layout.width = document.documentElement.clientWidth;
  const height = layout.height || 450;
  layout.height = height;
  if (args.clickable) { layout.clickmode = "event"; layout.hovermode = layout.hovermode || "closest"; }
  layout.dragmode = false;
  if (height !== frameHeight) { frameHeight = height; send("streamlit:setFrameHeight", { height: height }); }
  const config = Object.assign({ responsive: false }, args.config || {});
  gd.setAttribute("aria-label", args.alt || "chart");
  Plotly.react(gd, spec.data || [], layout, config).then(() => {
    if (args.clickable && !gd._clickBound) {
      gd._clickBound = true;
      gd.on("plotly_click", (event) => {
        const point = event && event.points && event.points[0];
        if (!point || typeof point.x !== "number") return;
        clicks += 1;
        send("streamlit:setComponentValue", { value: { x: point.x, click: clicks }, dataType: "json" });
      });
    }
  });
}

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render") return;
  if (look === null) { pending = msg.args; return; }
  draw(msg.args);
});

let lastWidth = 0;
window.addEventListener("resize", () => {
  const width = document.documentElement.clientWidth;
  if (shown && width !== lastWidth) { lastWidth = width; Plotly.relayout(gd, { width: width }); }
});

// Streamlit's keyboard shortcuts (the step buttons' arrow keys) listen on the page: after a click on the
// chart the keyboard focus is in this frame, so hand the page every key that is not meant for the chart.
for (const type of ["keydown", "keyup"]) {
  window.addEventListener(type, (event) => {
    const init = {
      key: event.key, code: event.code, keyCode: event.keyCode, which: event.which, bubbles: true, cancelable: true,
      shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey, repeat: event.repeat,
    };
    try {
      window.parent.document.dispatchEvent(new window.parent.KeyboardEvent(type, init));
    } catch (e) { /* another origin: nothing to forward to */ }
  });
}

// Plotly's bundle (4.6 MB) is fetched once per browser, not once per chart: the first chart asks the page
// (the parent window, same origin, alive across Streamlit's page changes) to get it and keep it as a blob
// URL, which every chart then loads. The page keeps the bundle in the browser's Cache Storage under
// Plotly's version (where the browser offers it: https and localhost), so the server sends it once.
const PLOTLY_VERSION = "__PLOTLY_VERSION__";  // written in when the files are served (live_chart.py)

function fetchPlotly(host, url) {
  const name = "rnnvis-plotly-" + PLOTLY_VERSION;
  const network = () => host.fetch(url).then((r) => {
    if (!r.ok) throw new Error("plotly.min.js: HTTP " + r.status);
    return r;
  });
  if (!host.caches) return network();
  return host.caches.open(name).then((cache) => cache.match(url).then((hit) => hit || network().then((r) => {
    cache.put(url, r.clone()).catch(() => {});
    host.caches.keys().then((names) => names.forEach((n) => {
      if (n.startsWith("rnnvis-plotly-") && n !== name) host.caches.delete(n);
    }));
    return r;
  }))).catch((e) => (e instanceof Error && e.message.startsWith("plotly.min.js") ? Promise.reject(e) : network()));
}

function loadPlotly() {
  const host = window.parent;
  const url = new URL("plotly.min.js", location.href).href;
  const slot = "__rnnvisPlotly:" + PLOTLY_VERSION;
  let shared = null;
  try {
    shared = host[slot];
    if (!shared) {
      shared = fetchPlotly(host, url).then((r) => r.blob()).then((blob) => host.URL.createObjectURL(blob));
      shared.catch(() => { delete host[slot]; });  // a failed fetch is tried again by the next chart
      host[slot] = shared;
    }
  } catch (e) {
    shared = Promise.resolve(url);  // no access to the page: load it here
  }
  return shared.then((src) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error("could not load Plotly"));
    document.head.appendChild(script);
  }));
}

function failed(error) {
  const note = document.createElement("p");
  note.style.cssText = "font: 14px sans-serif; color: #7a1e00; margin: 8px 0;";
  note.textContent = "This chart could not be drawn (" + error.message + "). Reload the page to try again.";
  document.body.replaceChildren(note);
  send("streamlit:setFrameHeight", { height: 40 });
}

borrowFonts();
Promise.all([loadPlotly(), fetch("look.json").then((r) => r.json())]).then(([, template]) => {
  look = template;
  if (pending) { draw(pending); pending = null; }
}).catch(failed);
send("streamlit:componentReady", { apiVersion: 1 });
