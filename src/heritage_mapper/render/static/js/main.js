/* heritage-mapper map page: markers, list, popups, region timeline, search, years,
 * languages. This module wires the others (assembled before it, in the order of
 * APP_SCRIPTS in render/assets.py, into one script inside one function).
 *
 * The page data it reads is described, key by key, by the JSON Schema
 * render/page-data.schema.json (built by render/data.py and render/__init__.py);
 * a test fails when the script reads a top-level key the schema does not declare.
 * Records are columnar (sites.name.vi[i], events.start[e]); dates come labelled in
 * every language, so nothing here parses EDTF. Years are plain integers, null = open.
 * data.region lists the events that name no site (indexes into data.events, in
 * timeline order): the region timeline, drawn by the same code as a popup's.
 *
 * Leaflet and markercluster are used through their public API only; a test fails
 * on any access to a "_private" member.
 */

class HeritageMap {
  constructor(map, data) {
    this.map = map;
    this.tiles = null; // OpenStreetMap tiles, offered only when served over http(s)
    this.data = data;
    this.sites = data.sites;
    this.events = data.events;
    this.textChunks = new Map(); // chunk of event texts → true once read, else its promise
    this.relayoutQueued = false; // a new layout of the popup is coming (timeline.js)
    this.region = data.region || [];
    this.count = data.sites.id.length;
    this.lang = askedLanguage(data) || data.page.defaultLanguage; // ?lang= (language.js)
    this.cluster = Boolean(data.page.cluster);
    this.layerOn = data.layers.map(() => true);
    this.query = [];
    this.placeKey = null; // each site's place, folded at the first search (search.js)
    this.years = data.years ? data.years.slice() : null;
    this.shown = new Uint8Array(this.count); // wanted on the map
    this.onMap = new Uint8Array(this.count); // handed to the map (or its cluster group)
    this.busy = false;
    this.dirty = false;
    this.started = false; // filters frame the sites they show once the page has started
    this.afterLoad = null;
    this.circles = new Map(); // site index → its uncertainty circle
    this.circleSite = new Map(); // circle → its site index
    this.order = {};
    this.openIndex = -1;
    this.activeIndex = -1;
    this.raised = -1; // the site whose marker is raised above the others
    this.returnFocus = null;
    this.icons = new Map();
    this.world = null; // sites in map pixels at zoom 0 (clusters.js, worldPoints)
    this.popup = sitePopup();
  }

  /* Apply the filters (layers, search, years) to the map, the list and the timelines;
     when they change which sites show, frame those (once the page has started). */
  refresh() {
    let changed = false;
    for (let i = 0; i < this.count; i++) {
      const show = this.layerOn[this.sites.layer[i]] && this.matches(i) && this.inYears(i) ? 1 : 0;
      if (show !== this.shown[i]) changed = true;
      this.shown[i] = show;
    }
    this.applyMarkers();
    if (changed && this.started) this.frameShown();
    if (this.openIndex >= 0 && !this.shown[this.openIndex]) this.map.closePopup();
    else if (this.openIndex >= 0) this.popup.setContent(this.buildPopup(this.openIndex));
    this.syncCircles();
    this.renderList();
    this.renderRegion();
  }

  start() {
    this.drawBasemap();
    this.createMarkers();
    this.addControls();
    this.map.on("popupopen", () => this.onPopupOpen());
    this.map.on("popupclose", () => this.onPopupClose());
    this.bindEscape();
    this.bindPrint();
    if (this.cluster) this.map.on("moveend", () => this.syncCircles());
    this.bindList();
    this.bindRegion();
    this.bindSearch();
    this.bindYears();
    this.bindLanguages();
    this.renderTexts();
    // frame first: bounding the map pans (animated) into the bounds, and an animation
    // still running would end after, and undo, the framing
    this.fitSites();
    this.boundMap();
    // the header changes height (the years note, wrapping labels in another language):
    // Leaflet must know the map's new size, or it frames for a map that is not there
    if (window.ResizeObserver) {
      new ResizeObserver(() => this.map.invalidateSize({ animate: false })).observe(this.map.getContainer());
    }
    this.placeLabels();
    this.refresh();
    this.startStory();
    this.started = true;
  }
}

Object.assign(
  HeritageMap.prototype,
  LanguageMethods,
  MarkerMethods,
  SpreadMethods,
  ClusterMethods,
  PopupMethods,
  TimelineMethods,
  ListMethods,
  SearchMethods,
  YearMethods,
  MapMethods,
  PanelMethods,
  PageMethods,
  BasemapMethods,
  LabelMethods,
  ItineraryMethods,
  RouteMethods,
  StoryMethods,
);

/* HeritageMapper.map is the Leaflet map once the page has started (for tests and
 * for anyone scripting the page); HeritageMapper.ready resolves with the app. */
function start(map, dataId) {
  window.HeritageMapper.map = map;
  window.HeritageMapper.ready = readData(document.getElementById(dataId)).then((data) => {
    const app = new HeritageMap(map, data);
    app.start();
    return app;
  });
  return window.HeritageMapper.ready;
}

window.HeritageMapper = { start: start, fold: fold, map: null, ready: null };
