/* Site symbols and icons, drawn as SVG with DOM calls (no HTML string).
 *
 * A category's symbol is a shape AND a colour, both chosen by the category's index in
 * the project (data.categories), so the same project always gives the same symbols.
 * The shapes are twelve distinct silhouettes; the colours are the Okabe-Ito palette
 * (distinguishable with the common colour-vision deficiencies). Twelve shapes and
 * eight colours cycle independently, so up to 24 categories get different symbols,
 * and up to 12 differ by shape alone, which a visitor who sees no colour can read.
 * Every symbol has a dark outline inside a white halo: it stands out from land, sea
 * and the symbols beside it whatever its colour. */

const MARKER_SIZE = 24;
const FALLBACK_COLOR = "#546e7a";
const SVG_NS = "http://www.w3.org/2000/svg";
// Twelve shapes, one path each in a 24 x 24 box (even-odd fill: the ring has a hole).
const SHAPES = [
  "M12 3.5a8.5 8.5 0 1 1 0 17a8.5 8.5 0 1 1 0-17z", // circle
  "M4 4h16v16H4z", // square
  "M12 2.2 21.8 12 12 21.8 2.2 12z", // diamond
  "M12 2.8 21.6 20.4H2.4z", // triangle
  "M12 2.2l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z", // star
  "M8.8 3h6.4v5.8H21v6.4h-5.8V21H8.8v-5.8H3V8.8h5.8z", // plus
  "M2.4 3.6h19.2L12 21.2z", // triangle pointing down
  "M12 3 20.5 10.5V21h-17V10.5z", // house
  "M5.4 2.2 12 8.6 18.6 2.2 21.8 5.4 15.4 12 21.8 18.6 18.6 21.8 12 15.4 5.4 21.8 2.2 18.6 8.6 12 2.2 5.4z", // cross
  "M4 3h16l-8 9 8 9H4l8-9z", // hourglass
  "M3 16.5a9 9 0 0 1 18 0z", // dome (half disc)
  "M12 3a9 9 0 1 1 0 18a9 9 0 1 1 0-18zm0 5a4 4 0 1 0 0 8a4 4 0 1 0 0-8z", // ring
];
// Okabe & Ito (2008), "Color Universal Design": black last, as it is the darkest.
const SYMBOL_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/* The symbol of category index `category` (-1: no known category): its path and colour. */
function categorySymbol(category) {
  const k = category >= 0 ? category : 0;
  return {
    path: SHAPES[k % SHAPES.length],
    color: category >= 0 ? SYMBOL_COLORS[k % SYMBOL_COLORS.length] : FALLBACK_COLOR,
  };
}

function shapeSvg(category) {
  const symbol = categorySymbol(category);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  ["hm-halo", "hm-shape"].forEach((className) => {
    const shape = document.createElementNS(SVG_NS, "path");
    shape.setAttribute("d", symbol.path);
    shape.setAttribute("fill-rule", "evenodd");
    shape.setAttribute("class", className);
    svg.appendChild(shape);
  });
  svg.style.setProperty("--hm-color", symbol.color);
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
 * the documented extension point of L.Icon; the category is this icon's own option,
 * given when it is made. */
const SiteIcon = L.DivIcon.extend({
  options: { html: false, className: "hm-marker", iconSize: [MARKER_SIZE, MARKER_SIZE] },
  createIcon: function (oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.replaceChildren(shapeSvg(this.options.category));
    return div;
  },
});
