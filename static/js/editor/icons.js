// Line icons of the step types on a 24 x 24 grid (stroked, round joins), keyed by the catalog's icon names.
import { s } from "../lib/dom.js";

const ring = (cx, cy, r) => `M${cx - r},${cy} a${r},${r} 0 1 0 ${2 * r},0 a${r},${r} 0 1 0 ${-2 * r},0`;

const PATHS = {
  "plus-circle": `${ring(12, 12, 9)} M12 8v8 M8 12h8`,
  edit: "M4 20h4L19.5 8.5a2.1 2.1 0 0 0-3-3L5 17v3Z M14.5 7.5l3 3",
  "edit-3": "M13 20h7 M4 20v-3.5L15.5 5a2.1 2.1 0 0 1 3 3L7 19.5Z",
  trash: "M4 7h16 M9.5 7V4.5h5V7 M6.5 7l1 13h9l1-13 M10 11v5.5 M14 11v5.5",
  flag: "M5 21V4 M5 4.5h11.5l-2.5 4 2.5 4H5",
  calendar: "M4 6.5h16V20H4Z M4 10.5h16 M8.5 3.5v5 M15.5 3.5v5",
  "calendar-clock": `M12 20H4V6.5h16V11 M4 10.5h9 M8.5 3.5v5 M15.5 3.5v5 ${ring(17.5, 17.5, 4)} M17.5 15.8v1.9l1.3 1`,
  hourglass: "M6.5 3.5h11 M6.5 20.5h11 M8 3.5c0 5 8 5.5 8 8.5s-8 3.5-8 8.5 M16 3.5c0 5-8 5.5-8 8.5s8 3.5 8 8.5",
  repeat: "M16.5 3l3 3-3 3 M4.5 11.5V10a4 4 0 0 1 4-4h11 M7.5 21l-3-3 3-3 M19.5 12.5V14a4 4 0 0 1-4 4h-11",
  link: "M10 14a4.2 4.2 0 0 0 6 0l3-3a4.2 4.2 0 0 0-6-6l-1.2 1.2 M14 10a4.2 4.2 0 0 0-6 0l-3 3a4.2 4.2 0 0 0 6 6l1.2-1.2",
  play: "M7.5 4.5v15l12-7.5Z",
  "git-branch": `${ring(6.5, 5.5, 2.5)} ${ring(6.5, 18.5, 2.5)} ${ring(17.5, 7.5, 2.5)} M6.5 8v8 M17.5 10c0 4-4 4.5-9 6.5`,
  shuffle: "M3.5 7h3.5c4.5 0 5.5 10 10 10h3.5 M3.5 17h3.5c2 0 3-2 4-4 M13.5 9c1-1.2 2-2 3.5-2h3.5 M18 4.5l2.5 2.5-2.5 2.5 M18 14.5l2.5 2.5-2.5 2.5",
  users: `${ring(9, 8, 3.5)} M2.5 20c.5-3.5 3-5.5 6.5-5.5s6 2 6.5 5.5 M15.5 4.8a3.5 3.5 0 0 1 0 6.4 M18 14.8c2 .8 3.2 2.6 3.5 5.2`,
  radio: `${ring(12, 12, 2.2)} M7.8 16.2a6 6 0 0 1 0-8.4 M16.2 7.8a6 6 0 0 1 0 8.4 M4.9 19.1a10 10 0 0 1 0-14.2 M19.1 4.9a10 10 0 0 1 0 14.2`,
  clock: `${ring(12, 12, 9)} M12 7.5V12l3 2`,
  sun: `${ring(12, 12, 4)} M12 2.5v2 M12 19.5v2 M2.5 12h2 M19.5 12h2 M5.3 5.3l1.4 1.4 M17.3 17.3l1.4 1.4 M5.3 18.7l1.4-1.4 M17.3 6.7l1.4-1.4`,
  "user-check": `${ring(9.5, 8, 3.8)} M3 20c.6-3.6 3.2-5.5 6.5-5.5s5 1.2 6 3 M15.5 12.5l2 2 4-4.5`,
  mail: "M3.5 5.5h17v13h-17Z M3.5 6.5l8.5 6.5 8.5-6.5",
  "message-square": "M4 4.5h16v11.5H9l-5 4Z",
  "message-circle": "M20.5 11.5a8.5 8 0 0 1-12.2 7.2L3.5 20.5l1.6-4.3A8.5 8 0 1 1 20.5 11.5Z",
  "check-square": "M4 4h16v16H4Z M8 12.2l2.8 2.8L16.2 9",
  bell: "M6 16.5V11a6 6 0 0 1 12 0v5.5l1.8 1.8H4.2Z M10 21h4",
  globe: `${ring(12, 12, 9)} M3 12h18 M12 3c-3.2 3.4-3.2 14.6 0 18 M12 3c3.2 3.4 3.2 14.6 0 18`,
};

const path = (name, attrs) => s("path", { d: PATHS[name] ?? ring(12, 12, 5), class: "icon", "data-icon": name, ...attrs });

// The icon placed inside the canvas's SVG, `size` pixels square at (x, y).
export const iconAt = (name, x, y, size) => path(name, { transform: `translate(${x},${y}) scale(${size / 24})` });

// A stand-alone <svg> of the icon, for HTML (the palette).
export const iconSvg = (name) => s("svg", { class: "icon-svg", width: 18, height: 18, viewBox: "0 0 24 24",
  "aria-hidden": "true", focusable: "false" }, path(name, {}));
