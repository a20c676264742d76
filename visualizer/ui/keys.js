// Loaded by every frame of the explorer (live charts, live equations). Streamlit's keyboard shortcuts (the
// step buttons' arrow keys) listen on the page: after a click in a frame the keyboard focus is in the frame,
// so hand the page the keys pressed there.
"use strict";
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
