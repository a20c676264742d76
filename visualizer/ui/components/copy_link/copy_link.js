// The share panel's link: a read-only text box holding the address and a Copy button. The address is set as the
// box's value (never parsed as HTML). Frameless components-v2 element: no syntax highlighter, no iframe.

export default function (component) {
  const { data, parentElement } = component;
  let box = parentElement.__copyLink;
  if (!box) {
    const root = document.createElement("div");
    root.className = "copy-link";
    const input = document.createElement("input");
    input.type = "text";
    input.readOnly = true;
    input.addEventListener("focus", () => input.select());
    const button = document.createElement("button");
    button.type = "button";
    const said = document.createElement("span");
    said.className = "said";
    said.setAttribute("aria-live", "polite");
    root.append(input, button, said);
    parentElement.appendChild(root);
    button.addEventListener("click", async () => {
      input.select();
      let ok = false;
      try {
        await navigator.clipboard.writeText(input.value);
        ok = true;
      } catch (e) {
        ok = document.execCommand && document.execCommand("copy"); // where the clipboard API is refused
      }
      said.textContent = ok ? data.copied || "Copied." : data.failed || "Select the link and copy it.";
    });
    box = { root, input, button, said };
    parentElement.__copyLink = box;
  }
  box.input.value = data.url;
  box.input.setAttribute("aria-label", data.label);
  box.button.textContent = data.button;
  box.button.setAttribute("aria-label", `${data.button}: ${data.label}`);
  box.said.textContent = "";
  return () => {
    box.root.remove();
    delete parentElement.__copyLink;
  };
}
