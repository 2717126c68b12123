// A sticky note's Markdown laid out as SVG text: words wrapped to the note's width (measured with the same
// fonts), bold / italic / code as styled spans, links as SVG links; lines past the note's height are left out.
import { s } from "../lib/dom.js";
import { parseMarkdown } from "../lib/markdown.js";

const PAD = 10, SIZE = 13, LINE = 18, HEADING = 15, INDENT = 16;
let measurer = null;

function font(run, heading) {
  const family = getComputedStyle(document.body).fontFamily; // cheap: the style is computed already
  return `${run.italic ? "italic " : ""}${run.bold || heading ? 600 : 400} ${heading ? HEADING : SIZE}px ${run.code ? "ui-monospace, monospace" : family}`;
}

function width(text, css) {
  measurer ??= document.createElement("canvas").getContext("2d");
  measurer.font = css;
  return measurer.measureText(text).width;
}

// The words of `text`, each with its trailing space; one wider than `room` comes in pieces that fit, cut between
// characters (a long link or ID has nowhere else to break).
function* words(text, css, room) {
  for (const word of text.split(/(?<=\s)/)) {
    if (width(word.trimEnd(), css) <= room) { yield word; continue; }
    const chars = [...word];
    for (let i = 0, n; i < chars.length; i = n) {
      n = i + 1;
      while (n < chars.length && width(chars.slice(i, n + 1).join(""), css) <= room) n += 1;
      yield chars.slice(i, n).join("");
    }
  }
}

// Lines of [{run, text}] pieces, each line at most `room` wide.
function wrap(runs, room, heading) {
  const lines = [[]];
  let used = 0;
  for (const run of runs) {
    const css = font(run, heading);
    for (const word of words(run.text, css, room)) {
      const w = width(word, css);
      if (used + w > room && used > 0) { lines.push([]); used = 0; }
      const piece = used === 0 ? word.trimStart() : word;
      if (piece) lines.at(-1).push({ run, text: piece });
      used += piece ? w : 0;
    }
  }
  return lines;
}

// One styled piece of a line; `at` ({x, y}) places the first piece of a line (an empty tspan would not).
function span(piece, heading, at = {}) {
  const { run, text } = piece;
  const classes = [run.bold && "md-bold", run.italic && "md-italic", run.code && "md-code", heading && "md-heading"].filter(Boolean);
  const tspan = s("tspan", { ...at, class: classes.join(" ") || null, text });
  return run.href ? s("a", { href: run.href, target: "_blank", rel: "noopener noreferrer" }, tspan) : tspan;
}

export function noteText(markdown, w, h) {
  const text = s("text", { class: "note-text" });
  let y = PAD;
  for (const block of parseMarkdown(markdown)) {
    const heading = block.kind === "heading", indent = block.kind === "item" ? INDENT : 0;
    y += (block.spaced ? LINE / 2 : 0);
    for (const [i, line] of wrap(block.runs, w - 2 * PAD - indent, heading).entries()) {
      y += heading ? HEADING + 5 : LINE;
      if (y > h - PAD / 2) return text;
      if (i === 0 && block.marker) text.append(s("tspan", { x: PAD, y, class: "md-marker", text: block.marker }));
      text.append(...line.map((piece, j) => span(piece, heading, j === 0 ? { x: PAD + indent, y } : {})));
    }
  }
  return text;
}
