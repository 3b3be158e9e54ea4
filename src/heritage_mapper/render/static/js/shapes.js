/* Marker shapes and icons, drawn as SVG with DOM calls (no HTML string). */

const MARKER_SIZE = 24;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const FALLBACK_COLOR = "#546e7a";
const SVG_NS = "http://www.w3.org/2000/svg";
// One shape per category (cycling), drawn in a 24 x 24 box.
const SHAPES = [
  ["circle", { cx: 12, cy: 12, r: 8.5 }],
  ["rect", { x: 4, y: 4, width: 16, height: 16, rx: 2.5 }],
  ["path", { d: "M12 2.2 21.8 12 12 21.8 2.2 12z" }],
  ["path", { d: "M12 2.8 21.6 20.4H2.4z" }],
  ["path", { d: "M12 2.2l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z" }],
  ["path", { d: "M12 2.4l8.4 4.8v9.6L12 21.6l-8.4-4.8V7.2z" }],
  ["path", { d: "M12 2.6l9.2 6.7-3.5 10.9H6.3L2.8 9.3z" }],
  ["path", { d: "M8.5 2.5h7v6h6v7h-6v6h-7v-6h-6v-7h6z" }],
];

function safeColor(color) {
  return COLOR.test(color) ? color : FALLBACK_COLOR;
}

function shapeSvg(category, color) {
  const [tag, attrs] = SHAPES[(category >= 0 ? category : 0) % SHAPES.length];
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs).forEach((name) => shape.setAttribute(name, attrs[name]));
  shape.setAttribute("class", "hm-shape");
  svg.style.setProperty("--hm-color", safeColor(color));
  svg.appendChild(shape);
  return svg;
}

function iconSvg(pathData) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", pathData);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2.2");
  path.setAttribute("stroke-linecap", "round");
  svg.appendChild(path);
  return svg;
}

/* A divIcon whose content is built with DOM calls (no HTML string). createIcon is
 * the documented extension point of L.Icon; the category and colour are this
 * icon's own options, given when it is made. */
const SiteIcon = L.DivIcon.extend({
  options: { html: false, className: "hm-marker", iconSize: [MARKER_SIZE, MARKER_SIZE] },
  createIcon: function (oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.replaceChildren(shapeSvg(this.options.category, this.options.color));
    return div;
  },
});
