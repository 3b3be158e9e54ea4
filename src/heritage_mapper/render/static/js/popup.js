/* The popup of a site: one L.popup, filled with DOM nodes for the chosen site. */

const SELECT_MIN_ZOOM = 12; // zoom used when a site is chosen from the list
const POPUP_MAX_HEIGHT = 520;
const POPUP_MAX_WIDTH = 420;
const POPUP_MIN_WIDTH = 240;
const POPUP_MARGIN = 110;
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End", " "]);

function sitePopup() {
  return L.popup({
    className: "hm-leaflet-popup",
    maxWidth: POPUP_MAX_WIDTH,
    minWidth: POPUP_MIN_WIDTH,
    autoPanPadding: [24, 24],
    offset: [0, -MARKER_SIZE / 3],
  });
}

const PopupMethods = {
  openSite(i, returnFocus) {
    this.returnFocus = returnFocus || null;
    const show = () => {
      this.openIndex = i;
      const size = this.map.getSize();
      // The popup fits the map as it is now (L.setOptions: Leaflet's documented way
      // to change a layer's options; the popup reads them when it lays itself out).
      L.setOptions(this.popup, {
        maxHeight: Math.max(160, Math.min(POPUP_MAX_HEIGHT, size.y - POPUP_MARGIN)),
        maxWidth: Math.max(POPUP_MIN_WIDTH, Math.min(POPUP_MAX_WIDTH, size.x - POPUP_MARGIN)),
      });
      this.loosenBounds();
      this.popup.setLatLng(this.markers[i].getLatLng()).setContent(this.buildPopup(i));
      this.popup.openOn(this.map);
      this.syncCircles();
      this.markSelected(i);
      const heading = this.popup.getElement() && this.popup.getElement().querySelector("h2");
      if (heading) heading.focus({ preventScroll: true });
    };
    if (!this.cluster) {
      show();
    } else if (this.busy) {
      this.afterLoad = () => this.openSite(i, returnFocus);
    } else {
      this.group.zoomToShowLayer(this.markers[i], show);
    }
  },

  selectSite(i, returnFocus) {
    const latlng = this.markers[i].getLatLng();
    const wrap = document.getElementById("hm-map-wrap").getBoundingClientRect();
    if (wrap.top < 0 || wrap.bottom > window.innerHeight) {
      document.getElementById("hm-map-wrap").scrollIntoView({ block: "start" }); // phones: list below
    }
    const zoom = Math.max(this.map.getZoom(), SELECT_MIN_ZOOM);
    // a clustered page goes straight to where the site's marker stands alone: one
    // redraw of the clusters, not a zoom animation step by step to it
    if (this.cluster && !this.busy) this.zoomToSite(i, zoom);
    else this.map.setView(latlng, zoom, { animate: false });
    this.openSite(i, returnFocus);
  },

  buildPopup(i) {
    const sites = this.sites;
    const root = el("article", "hm-popup");
    const heading = this.dataEl("h2", null, this.field(sites.name, i));
    heading.tabIndex = -1;
    root.appendChild(heading);
    root.appendChild(this.popupMeta(i));
    root.appendChild(this.dataEl("p", null, this.field(sites.description, i)));
    root.appendChild(this.popupFacts(i));
    root.appendChild(el("h3", null, this.t("timeline")));
    this.popupTimeline(i).forEach((node) => root.appendChild(node));
    const refs = this.siteSources(i);
    if (refs) root.appendChild(refs);
    return root;
  },

  /* An element holding data text in the page's language, its Vietnamese names marked
     lang="vi" when the page is in another language (text.js, appendText). */
  dataEl(tag, className, text) {
    return textEl(tag, className, text, this.lang);
  },

  popupMeta(i) {
    const sites = this.sites;
    const layer = this.data.layers[sites.layer[i]];
    const category = this.data.categories[sites.category[i]];
    const meta = el("p", "hm-popup-meta");
    meta.appendChild(shapeSvg(sites.category[i]));
    const parts = [{ data: layer.title[this.lang] }];
    // the category unless it only repeats the layer's title ("Văn hóa đương đại" twice)
    const label = category && category.label[this.lang];
    if (label && fold(label) !== fold(layer.title[this.lang])) parts.push(" · ", { data: label });
    meta.appendChild(mixed("span", null, parts));
    return meta;
  },

  popupFacts(i) {
    const sites = this.sites;
    const facts = el("dl");
    const add = (label, ...values) => {
      facts.appendChild(el("dt", null, this.t(label)));
      const dd = el("dd", "hm-fact-" + label);
      values.forEach((value) => { if (value) dd.appendChild(value); });
      facts.appendChild(dd);
    };
    const precision = sites.precision[i] ? "±" + this.number(sites.precision[i]) + " m" : this.t("unknown");
    add("precision", el("span", null, precision), this.dataEl("span", "hm-basis", this.field(sites.basis, i)));
    const period = this.field(sites.period, i);
    if (period) add("period", el("span", null, period));
    const unit = (column) => {
      const text = this.field(column, i);
      return text ? this.dataEl("span", null, text) : el("span", null, this.t("unknown"));
    };
    add("adminThen", unit(sites.adminThen));
    add("adminNow", unit(sites.adminNow));
    add("position", ...this.positionLinks(i));
    return facts;
  },

  /* The site's position, in degrees rounded as the page data carries them (to what
     its precision supports), a geo: link and links to two online maps. */
  positionLinks(i) {
    const lat = String(this.sites.lat[i]);
    const lon = String(this.sites.lon[i]);
    const where = el("span", "hm-position", lat + ", " + lon);
    const geo = link("geo:" + lat + "," + lon, this.t("geoLink"));
    geo.removeAttribute("target"); // a geo: link hands over to an app
    geo.className = "hm-geo";
    const osm = link("https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=15/" + lat + "/" + lon, "OpenStreetMap");
    const google = link("https://www.google.com/maps/search/?api=1&query=" + lat + "," + lon, "Google Maps");
    const online = el("span", "hm-map-links");
    online.append(this.t("openIn") + " ", osm, " · ", google);
    return [where, geo, online];
  },

  popupTimeline(i) {
    const ids = this.sites.events[i];
    if (!ids.length) return [el("p", "hm-note", this.t("noEvents"))];
    return this.timeline(ids);
  },

  /* The sources of the site itself: each source once, with its paragraphs. */
  siteSources(i) {
    const refs = this.sites.refs[i];
    if (!refs.length) return null;
    const bySource = new Map();
    refs.forEach(([source, paragraph]) => {
      if (!bySource.has(source)) bySource.set(source, []);
      bySource.get(source).push(paragraph);
    });
    const pieces = [this.t("siteSources") + ": "];
    bySource.forEach((paragraphs, source) => {
      const key = paragraphs.length > 1 ? "paragraphs" : "paragraph";
      if (pieces.length > 1) pieces.push("; ");
      pieces.push({ data: this.sourceTitle(source) }, ", " + this.t(key, { n: paragraphs.join(", ") }));
    });
    return mixed("p", "hm-cite", pieces);
  },

  onPopupOpen() {
    const node = this.popup.getElement();
    if (!node) return;
    const close = node.querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", this.t("closePopup"));
    if (node.dataset.hmKeys) return;
    node.dataset.hmKeys = "1";
    node.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.map.closePopup();
      } else if (SCROLL_KEYS.has(event.key)) {
        event.stopPropagation(); // scroll the popup, not the map
      }
    });
  },

  /* Escape closes the open popup from anywhere on the map: a zoom or full-screen
     button, the legend, a marker (Leaflet listens only while the map's own container
     has the focus, and the popup's keys above stop here). The focus stays where the
     visitor put it. */
  bindEscape() {
    const container = this.map.getContainer();
    container.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.target === container || this.openIndex < 0) return;
      event.preventDefault();
      this.returnFocus = null;
      this.map.closePopup();
    });
  },

  /* While a popup is open the map may pan past the basemap's edge, as far as the popup
     needs (Leaflet's autoPan): held inside it, the popup of a site near the edge opened
     partly off the map (its title and close button under the header). */
  loosenBounds() {
    if (this.mapBounds) this.map.setMaxBounds(null);
  },

  /* The popup closed: the map is held on the basemap again (and pans back onto it). */
  tightenBounds() {
    if (this.mapBounds) this.map.setMaxBounds(this.mapBounds);
  },

  onPopupClose() {
    this.tightenBounds();
    this.openIndex = -1;
    this.markSelected(-1);
    this.syncCircles();
    const target = this.returnFocus;
    this.returnFocus = null;
    if (target && document.body.contains(target)) target.focus({ preventScroll: true });
  },
};
