// Plotly charts that stay mounted: every Streamlit rerun hands this frame new figure specs (rows of charts
// side by side) and each chart is redrawn in place with Plotly.react (Streamlit's own chart element is
// rebuilt from scratch whenever its figure changes). Several charts share one frame, so the page pays for
// one copy of Plotly per frame, not per chart. Speaks Streamlit's component protocol (version 1) with
// plain postMessage.
"use strict";
const root = document.getElementById("charts");
const GAP = 16;           // px between charts side by side and between rows
const LOOK = null;        // Streamlit's light chart theme as a Plotly template: look.json, written in when served
let ready = false;        // Plotly is loaded
let pending = null;       // the newest render not drawn yet
let scheduled = false;    // a draw is booked for the next frame
const looks = {};         // the template at each font scale (presenter mode: 1.25)
let frameHeight = 0;
let clicks = 0;
let shown = null;         // the last render's arguments
let drawn = "";           // ... and their signature
let layoutOf = [];        // each row's number of charts, as drawn

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

// The chart divs for `rows` (an array of rows, each an array of figures), made again only when the
// number of rows or charts per row changes.
function charts(rows) {
  const shape = rows.map((row) => row.length);
  if (shape.join(",") !== layoutOf.join(",")) {
    for (const gd of root.querySelectorAll(".js-plotly-plot")) Plotly.purge(gd);
    root.replaceChildren(...rows.map((row) => {
      const line = document.createElement("div");
      line.className = "row";
      line.replaceChildren(...row.map(() => {
        const gd = document.createElement("div");
        gd.className = "chart";
        gd.setAttribute("role", "img");
        return gd;
      }));
      return line;
    }));
    layoutOf = shape;
  }
  return [...root.querySelectorAll(".row")].map((line) => [...line.querySelectorAll(".chart")]);
}

// A chart may hide part of its x range under a cover (the steps not reached yet): no hover there, or
// the values under the cover would show. The x under the pointer is found as Plotly finds it.
function hoverShown(gd, event) {
  const range = gd._rnnvisRevealed;
  const xaxis = gd._fullLayout && gd._fullLayout.xaxis;
  if (!range || !xaxis || !event || !event.target || typeof event.clientX !== "number") return true;
  const x = xaxis.p2c(event.clientX - event.target.getBoundingClientRect().left);
  if (x >= range[0] && x <= range[1]) return true;
  Plotly.Fx.unhover(gd);
  return false;
}

// ... and no text label of a point outside that range: a label wider than its column would peek out
// from under the cover (the next token, not read yet). Plotly keeps each text point's x on its element.
function hideCoveredText(gd) {
  const range = gd._rnnvisRevealed;
  for (const label of gd.querySelectorAll(".scatterlayer .textpoint")) {
    const point = label.__data__;
    const x = point && typeof point.x === "number" ? point.x : null;
    label.style.visibility = !range || x === null || (x >= range[0] && x <= range[1]) ? "" : "hidden";
  }
}

// A click anywhere in the plot area reports the x under the pointer (a column of the chain, even one
// under the cover, where Plotly's own click event, which needs a hovered point, would not come).
// Pointer events, so a tap counts too; a press that moves more than a few pixels is not a click.
function onClickAt(gd, report) {
  let down = null;
  gd.addEventListener("pointerdown", (event) => {
    const layout = gd._fullLayout;
    const xaxis = layout && layout.xaxis;
    const yaxis = layout && layout.yaxis;
    if (!xaxis || !yaxis || event.button !== 0) return;
    const box = gd.getBoundingClientRect();
    const px = event.clientX - box.left - xaxis._offset;
    const py = event.clientY - box.top - yaxis._offset;
    if (px < 0 || px > xaxis._length || py < 0 || py > yaxis._length) return;
    down = { x: xaxis.p2c(px), clientX: event.clientX, clientY: event.clientY };
  }, true);
  window.addEventListener("pointerup", (event) => {
    const at = down;
    down = null;
    if (!at || Math.hypot(event.clientX - at.clientX, event.clientY - at.clientY) > 5) return;
    if (Number.isFinite(at.x)) report(at.x);
  }, true);
}

function draw(args) {
  const signature = [args.spec, args.font_scale, args.clickable, JSON.stringify(args.config)].join("|");
  if (signature === drawn) return;  // a rerun that changed nothing here
  drawn = signature;
  shown = args;
  const rows = JSON.parse(args.spec).rows || [];
  const factor = args.font_scale || 1;
  if (!looks[factor]) looks[factor] = scaled(LOOK, factor);
  const config = Object.assign({ responsive: false }, args.config || {});
  const width = document.documentElement.clientWidth;
  const divs = charts(rows);
  const draws = [];
  delete root.dataset.drawn;  // set again once every chart of this render is drawn (read by the browser tests)
  let total = 0;
  rows.forEach((row, r) => {
    const each = Math.floor((width - GAP * (row.length - 1)) / row.length);
    let tallest = 0;
    row.forEach((spec, c) => {
      const gd = divs[r][c];
      const layout = Object.assign({}, spec.layout || {});
      layout.template = looks[factor];
      layout.width = each;
      layout.height = layout.height || 450;
      tallest = Math.max(tallest, layout.height);
      if (args.clickable) { layout.clickmode = "event"; layout.hovermode = layout.hovermode || "closest"; }
      layout.dragmode = false;
      // Plotly takes every new array for new data and draws the chart from scratch (~20-30 ms). Tell it
      // when the data really are the same (a step that only moves an outline or a cover): then only
      // what changed in the layout is redrawn (~3-8 ms).
      const data = JSON.stringify(spec.data || []);
      if (data !== gd._rnnvisData) { gd._rnnvisData = data; gd._rnnvisRevision = (gd._rnnvisRevision || 0) + 1; }
      layout.datarevision = gd._rnnvisRevision;
      gd._rnnvisRevealed = Array.isArray(spec.revealed_x) ? spec.revealed_x : null;
      const title = layout.title && typeof layout.title === "object" ? layout.title.text : layout.title;
      gd.setAttribute("aria-label", String(title || "chart").replace(/<[^>]*>/g, ""));
      draws.push(Plotly.react(gd, spec.data || [], layout, config).then(() => {
        hideCoveredText(gd);
        if (!gd._hoverBound) {
          gd._hoverBound = true;
          gd.on("plotly_beforehover", (event) => hoverShown(gd, event));
        }
        if (args.clickable && !gd._clickBound) {
          gd._clickBound = true;
          onClickAt(gd, (x) => {
            clicks += 1;
            send("streamlit:setComponentValue", { value: { x: x, click: clicks }, dataType: "json" });
          });
        }
      }));
    });
    total += tallest + (r > 0 ? GAP : 0);
  });
  if (total !== frameHeight) { frameHeight = total; send("streamlit:setFrameHeight", { height: total }); }
  const signatureDrawn = signature;
  Promise.all(draws).then(() => { if (drawn === signatureDrawn) root.dataset.drawn = String(rows.length); });
}

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render") return;
  pending = msg.args;
  // Drawn at the next frame: the page's charts all redraw in the same frame, and a burst of renders
  // (a fast player) draws only the newest.
  if (!ready || scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const args = pending;
    pending = null;
    if (args) draw(args);
  });
});

let lastWidth = 0;
window.addEventListener("resize", () => {
  const width = document.documentElement.clientWidth;
  if (shown && width !== lastWidth) {
    lastWidth = width;
    drawn = "";  // same figures, new widths
    draw(shown);
  }
});

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
loadPlotly().then(() => {
  ready = true;
  if (pending) { const args = pending; pending = null; draw(args); }
}).catch(failed);
send("streamlit:componentReady", { apiVersion: 1 });
