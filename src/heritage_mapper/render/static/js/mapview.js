/* Map setup: the controls (full screen, scale, zoom labels) and fitting the sites
 * in view. */

const FIT_MAX_ZOOM = 12;
const FIT_PADDING = [36, 36];
const FULLSCREEN_ICON = "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5";

/* Full screen with the Fullscreen API, or a fixed overlay where it is missing. */
const FullscreenControl = L.Control.extend({
  options: { position: "topleft" },
  onAdd: function () {
    const container = L.DomUtil.create("div", "leaflet-bar leaflet-control hm-fullscreen");
    this.button = el("button");
    this.button.type = "button";
    this.button.appendChild(iconSvg(FULLSCREEN_ICON));
    L.DomEvent.disableClickPropagation(container);
    this.button.addEventListener("click", () => this.toggle());
    document.addEventListener("fullscreenchange", () => this.changed());
    container.appendChild(this.button);
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
    const label = this.options.app.t(this.active() ? "exitFullscreen" : "fullscreen");
    this.button.title = label;
    this.button.setAttribute("aria-label", label);
    this.button.setAttribute("aria-pressed", String(this.active()));
  },
});

const MapMethods = {
  addControls() {
    this.legend = new LegendControl({ app: this }).addTo(this.map);
    this.fullscreen = new FullscreenControl({ app: this }).addTo(this.map);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
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

  /* Fit the sites in view, clear of the legend when it is open beside them. */
  fitSites() {
    const legend = this.legend.getContainer();
    const mapWidth = this.map.getSize().x;
    const legendWidth = this.legend.isOpen() ? legend.offsetWidth : 0;
    const right = legendWidth && legendWidth * 2 < mapWidth ? legendWidth + FIT_PADDING[0] : FIT_PADDING[0];
    const topLeft = [FIT_PADDING[0] + MARKER_SIZE, FIT_PADDING[1]];
    const bottomRight = [right, FIT_PADDING[1] + MARKER_SIZE];
    // The sites' frame wins over the basemap's minimum zoom (see boundMap).
    const zoom = this.map.getBoundsZoom(this.data.bounds, false, L.point(topLeft).add(bottomRight));
    if (zoom < this.map.getMinZoom()) this.map.setMinZoom(zoom);
    this.map.fitBounds(this.data.bounds, {
      paddingTopLeft: topLeft,
      paddingBottomRight: bottomRight,
      maxZoom: FIT_MAX_ZOOM,
      animate: false,
    });
  },
};
