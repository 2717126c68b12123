// A small, safe Markdown subset for sticky notes, read into plain data (never HTML): one block per line —
// paragraphs, "# " headings, "- " and "1. " list items — made of runs of text that may be **bold**,
// _italic_ / *italic*, `code`, or [links](https://…) to http, https and mailto addresses only.
const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|\*([^*\s][^*]*)\*|(?<!\w)_([^_\s][^_]*)_(?!\w)|\[([^\]]+)\]\(([^)\s]+)\)/;
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d+)[.)]\s+(.*)$/;
const HEADING = /^(#{1,3})\s+(.*)$/;

function safeHref(href) {
  try {
    const url = new URL(href);
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// [{text, bold, italic, code, href}] for one line.
function runs(text, style = {}) {
  const found = [];
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) { found.push({ ...style, text: rest }); break; }
    if (match.index) found.push({ ...style, text: rest.slice(0, match.index) });
    const [whole, code, bold, bold2, italic, italic2, label, href] = match;
    if (code !== undefined) found.push({ ...style, code: true, text: code });
    else if ((bold ?? bold2) !== undefined) found.push(...runs(bold ?? bold2, { ...style, bold: true }));
    else if ((italic ?? italic2) !== undefined) found.push(...runs(italic ?? italic2, { ...style, italic: true }));
    else {
      const url = safeHref(href);
      found.push(...(url ? runs(label, { ...style, href: url }) : [{ ...style, text: whole }]));
    }
    rest = rest.slice(match.index + whole.length);
  }
  return found;
}

/** The blocks of `text`: [{kind: "paragraph" | "heading" | "item", marker, spaced, runs}]. */
export function parseMarkdown(text) {
  const blocks = [];
  let spaced = false;
  for (const line of String(text ?? "").split(/\r?\n/)) {
    if (!line.trim()) { spaced = blocks.length > 0; continue; }
    const heading = HEADING.exec(line), bullet = BULLET.exec(line), numbered = NUMBERED.exec(line);
    if (heading) blocks.push({ kind: "heading", spaced, runs: runs(heading[2]) });
    else if (bullet) blocks.push({ kind: "item", marker: "•", spaced, runs: runs(bullet[1]) });
    else if (numbered) blocks.push({ kind: "item", marker: `${numbered[1]}.`, spaced, runs: runs(numbered[2]) });
    else blocks.push({ kind: "paragraph", spaced, runs: runs(line) });
    spaced = false;
  }
  return blocks;
}
