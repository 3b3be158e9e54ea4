/* Map setup: the controls (full screen, "show all", scale, zoom labels, Leaflet's
 * credit), fitting the sites in view, framing them again when a filter changes
 * (never on a mere pan or zoom). */

const FIT_MAX_ZOOM = 12; // framing sites never zooms in further than this
const FIT_PADDING = [36, 36];
const MIN_ZOOM_MARGIN = 2; // without a basemap: zoom out at most this far past the sites
const FULLSCREEN_ICON = "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5";
const SHOW_ALL_ICON = "M3 8V3h5M16 3h5v5M21 16v5h-5M8 21H3v-5M12 8.5a3.5 3.5 0 1 1 0 7a3.5 3.5 0 0 1 0-7z";
const LEAFLET_URL = "https://leafletjs.com";

/* Text for an HTML string Leaflet asks for (the attribution prefix): only our own
   catalogue text goes there, escaped all the same. */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}

/* One button in a Leaflet bar, labelled in the page language by render(). */
function barButton(className, icon, click) {
  const container = L.DomUtil.create("div", "leaflet-bar leaflet-control " + className);
  const button = el("button");
  button.type = "button";
  button.appendChild(iconSvg(icon));
  L.DomEvent.disableClickPropagation(container);
  button.addEventListener("click", click);
  container.appendChild(button);
  return [container, button];
}

function labelButton(button, text) {
  button.title = text;
  button.setAttribute("aria-label", text);
}

/* "Show all": closes the popup (focus stays on the button) and frames every site the
   filters let through. */
const ShowAllControl = L.Control.extend({
  options: { position: "topleft" },
  onAdd: function () {
    const [container, button] = barButton("hm-show-all", SHOW_ALL_ICON, () => this.showAll());
    this.button = button;
    this.render();
    return container;
  },
  showAll: function () {
    const app = this.options.app;
    app.returnFocus = null; // an overview asked for: the popup goes, the focus stays here
    app.map.closePopup();
    app.frameShown();
  },
  render: function () {
    labelButton(this.button, this.options.app.t("showAll"));
  },
});

/* Full screen with the Fullscreen API, or a fixed overlay where it is missing. */
const FullscreenControl = L.Control.extend({
  options: { position: "topleft" },
  onAdd: function () {
    const [container, button] = barButton("hm-fullscreen", FULLSCREEN_ICON, () => this.toggle());
    this.button = button;
    document.addEventListener("fullscreenchange", () => this.changed());
    this.render();
    return container;
  },
  target: function () {
    return document.getElementById("hm-map-wrap");
  },
  active: function () {
    return Boolean(document.fullscreenElement) || this.target().classList.contains("hm-pseudo-fullscreen");
  },
  toggle: function () {
    const target = this.target();
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (target.classList.contains("hm-pseudo-fullscreen")) {
      target.classList.remove("hm-pseudo-fullscreen");
      this.changed();
    } else if (target.requestFullscreen && document.fullscreenEnabled) {
      target.requestFullscreen().catch(() => this.pseudo());
    } else {
      this.pseudo();
    }
  },
  pseudo: function () {
    this.target().classList.add("hm-pseudo-fullscreen");
    this.changed();
  },
  changed: function () {
    this.options.app.map.invalidateSize();
    this.render();
  },
  render: function () {
    labelButton(this.button, this.options.app.t(this.active() ? "exitFullscreen" : "fullscreen"));
    this.button.setAttribute("aria-pressed", String(this.active()));
  },
});

const MapMethods = {
  addControls() {
    this.legend = new LegendControl({ app: this }).addTo(this.map);
    this.showAll = new ShowAllControl({ app: this }).addTo(this.map);
    this.fullscreen = new FullscreenControl({ app: this }).addTo(this.map);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
    this.bindPanels();
  },

  /* The map's own texts in the page language: zoom buttons, "show all", Leaflet's credit. */
  renderMapTexts() {
    this.renderZoomLabels();
    if (this.showAll) this.showAll.render();
    const credit = this.map.attributionControl;
    if (credit) {
      credit.setPrefix('<a class="hm-leaflet-credit" href="' + LEAFLET_URL + '" hreflang="en" title="' + escapeHtml(this.t("leafletTitle")) + '">Leaflet</a>');
    }
    this.keepPopupClear();
  },

  /* The zoom buttons of Leaflet's own zoom control (map.zoomControl), found by their
     documented class names in the control's container. */
  renderZoomLabels() {
    const zoom = this.map.zoomControl;
    if (!zoom) return;
    const container = zoom.getContainer();
    [[".leaflet-control-zoom-in", "zoomIn"], [".leaflet-control-zoom-out", "zoomOut"]].forEach(([selector, key]) => {
      const button = container && container.querySelector(selector);
      if (!button) return;
      button.title = this.t(key);
      button.setAttribute("aria-label", this.t(key));
    });
  },

  /* Padding that keeps sites clear of the controls (and of the legend when it is
     open beside them). */
  framePadding() {
    const legend = this.legend.getContainer();
    const mapWidth = this.map.getSize().x;
    const legendWidth = this.legend.isOpen() ? legend.offsetWidth : 0;
    const right = legendWidth && legendWidth * 2 < mapWidth ? legendWidth + FIT_PADDING[0] : FIT_PADDING[0];
    // the credit and the scale bar: a site framed under them could not be clicked
    const corners = this.map.getContainer().querySelectorAll(".leaflet-bottom");
    const below = Math.max(0, ...Array.from(corners, (corner) => corner.offsetHeight));
    const bottom = Math.max(FIT_PADDING[1], below) + MARKER_SIZE;
    return { paddingTopLeft: [FIT_PADDING[0] + MARKER_SIZE, FIT_PADDING[1]], paddingBottomRight: [right, bottom] };
  },

  /* Printing a map page (not a story page, which prints its overview: story.js): the
     printed map has its own size, so it is framed on every site the filters show, and
     the view on screen comes back after. Ctrl+P fires beforeprint while the page is
     still laid out for the screen, then the print media applies: the map's wrapper
     takes the printed size at once (.hm-printing, the same 18 x 13 cm as the print
     style), and the frame is made again once the print layout is in. */
  bindPrint() {
    if (this.data.story) return;
    const wrap = document.getElementById("hm-map-wrap");
    let before = null;
    const enter = () => {
      const bounds = this.shownBounds();
      if (!bounds) return;
      if (!before) {
        before = { center: this.map.getCenter(), zoom: this.map.getZoom(), minZoom: this.map.getMinZoom() };
        if (wrap) wrap.classList.add("hm-printing");
      }
      this.map.invalidateSize({ animate: false, pan: false });
      this.loosenBounds(); // the paper's frame may reach past the basemap's edge
      this.map.setMinZoom(0); // getBoundsZoom answers no less than the least zoom
      this.map.setMinZoom(Math.min(this.framingZoom(bounds), before.minZoom));
      this.frameShown();
    };
    const leave = () => {
      if (!before) return;
      if (wrap) wrap.classList.remove("hm-printing");
      this.map.invalidateSize({ animate: false, pan: false });
      // the view first: a least zoom above the current one would zoom, animated, and
      // that animation would end after (and undo) the view put back
      this.map.setView(before.center, before.zoom, { animate: false });
      this.map.setMinZoom(before.minZoom);
      if (this.openIndex < 0) this.tightenBounds();
      before = null;
    };
    window.addEventListener("beforeprint", enter);
    window.addEventListener("afterprint", leave);
    if (window.matchMedia) {
      window.matchMedia("print").addEventListener("change", (query) => (query.matches ? enter() : leave()));
    }
  },

  /* Fit the sites in view; the zoom range is bounded: never past FIT_MAX_ZOOM when
     framing, never out past the basemap's extent (boundMap) or, with no basemap,
     MIN_ZOOM_MARGIN past the sites' frame. */
  fitSites() {
    this.map.invalidateSize({ pan: false }); // the header may have grown since the map was made
    const padding = this.framePadding();
    // The sites' frame wins over the basemap's minimum zoom (see boundMap).
    const zoom = this.sitesZoom();
    if (zoom < this.map.getMinZoom()) this.map.setMinZoom(zoom);
    if (!this.data.basemap) this.map.setMinZoom(Math.max(0, Math.min(zoom, FIT_MAX_ZOOM) - MIN_ZOOM_MARGIN));
    this.map.fitBounds(this.data.bounds, Object.assign({ maxZoom: FIT_MAX_ZOOM, animate: false }, padding));
  },

  /* The zoom at which every site fits in view, clear of the controls. */
  sitesZoom() {
    return this.framingZoom(this.data.bounds);
  },

  /* The zoom at which bounds fit in view, clear of the controls (framePadding). */
  framingZoom(bounds) {
    const padding = this.framePadding();
    return this.map.getBoundsZoom(bounds, false, L.point(padding.paddingTopLeft).add(padding.paddingBottomRight));
  },

  /* The bounds of the sites the filters let through, or null when there are none. */
  shownBounds() {
    let bounds = null;
    for (let i = 0; i < this.count; i++) {
      if (!this.shown[i]) continue;
      const at = [this.sites.lat[i], this.sites.lon[i]];
      if (bounds) bounds.extend(at);
      else bounds = L.latLngBounds(at, at);
    }
    return bounds;
  },

  /* Bring every shown site into view (after a filter changed, or "show all"). */
  frameShown() {
    const bounds = this.shownBounds();
    if (!bounds) return;
    this.map.fitBounds(bounds, Object.assign({ maxZoom: FIT_MAX_ZOOM, animate: false }, this.framePadding()));
  },
};
