// Tiny DOM helpers: build elements without innerHTML, so user text is never parsed as markup.
const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child);
  return el;
}

export const h = (tag, attrs, ...children) => apply(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => apply(document.createElementNS(SVG_NS, tag), attrs, children);
