// A small, safe Markdown subset for sticky notes, built with DOM APIs (text is never parsed as HTML):
// paragraphs, "# " headings, "- " and "1. " lists, **bold**, _italic_ / *italic*, `code` and
// [links](https://…) to http, https and mailto addresses only.
import { h } from "./dom.js";

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|\*([^*\s][^*]*)\*|(?<!\w)_([^_\s][^_]*)_(?!\w)|\[([^\]]+)\]\(([^)\s]+)\)/;
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,3})\s+(.*)$/;

function safeHref(href) {
  try {
    const url = new URL(href);
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function inline(text, parent) {
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) { parent.append(rest); break; }
    if (match.index) parent.append(rest.slice(0, match.index));
    const [whole, code, bold, bold2, italic, italic2, label, href] = match;
    if (code !== undefined) parent.append(h("code", { text: code }));
    else if ((bold ?? bold2) !== undefined) inline(bold ?? bold2, parent.appendChild(h("strong")));
    else if ((italic ?? italic2) !== undefined) inline(italic ?? italic2, parent.appendChild(h("em")));
    else {
      const url = safeHref(href);
      if (url) inline(label, parent.appendChild(h("a", { href: url, target: "_blank", rel: "noopener noreferrer" })));
      else parent.append(whole);
    }
    rest = rest.slice(match.index + whole.length);
  }
  return parent;
}

/** A DocumentFragment showing `text` as Markdown. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  let paragraph = null, list = null;
  const close = () => { paragraph = null; list = null; };
  for (const line of String(text ?? "").split(/\r?\n/)) {
    const heading = HEADING.exec(line), bullet = BULLET.exec(line), numbered = NUMBERED.exec(line);
    if (!line.trim()) close();
    else if (heading) { close(); fragment.append(inline(heading[2], h(`h${heading[1].length + 2}`))); }
    else if (bullet || numbered) {
      const tag = bullet ? "ul" : "ol";
      if (list?.tagName.toLowerCase() !== tag) { close(); list = fragment.appendChild(h(tag)); }
      list.append(inline((bullet ?? numbered)[1], h("li")));
    } else if (paragraph) { paragraph.append(h("br")); inline(line, paragraph); }
    else { close(); paragraph = fragment.appendChild(inline(line, h("p"))); }
  }
  return fragment;
}
