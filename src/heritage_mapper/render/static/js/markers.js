/* Markers and uncertainty circles: made once, then put on or taken off the map as
 * the filters change. A marker is its category's symbol (shapes.js); on a page
 * without clusters, overlapping markers are spread apart (spread.js). Leaflet and
 * markercluster are used through their public API only (getElement, setLatLng,
 * setZIndexOffset, addLayers, eachLayer, hasLayer, refreshClusters, events). */

const CIRCLE_MIN_ZOOM = 10; // clustered pages draw uncertainty circles from this zoom
const MAX_CIRCLES = 2000;
const CLUSTER_RADIUS = 50;
const SELECTED_Z_OFFSET = 1000;
const UNCERTAINTY_COLOR = "#455a64"; // the dashed ring, as the legend draws it

const MarkerMethods = {
  icon(category) {
    if (!this.icons.has(category)) this.icons.set(category, new SiteIcon({ category: category }));
    return this.icons.get(category);
  },

  createMarkers() {
    const sites = this.sites;
    this.markers = sites.id.map((id, i) => {
      const marker = L.marker([sites.lat[i], sites.lon[i]], {
        icon: this.icon(sites.category[i]),
        title: this.field(sites.name, i),
        keyboard: true,
        riseOnHover: true,
        hmSite: i,
      });
      marker.on("click", () => this.openSite(i, marker.getElement()));
      marker.on("keypress", (event) => {
        const key = event.originalEvent.key;
        if (key !== "Enter" && key !== " ") return;
        event.originalEvent.preventDefault();
        this.openSite(i, marker.getElement());
      });
      // Leaflet (re)draws a marker's element when it is added, with the title it was
      // made with; the name in the current language replaces it.
      marker.on("add", () => this.titleMarker(marker, i));
      return marker;
    });
    this.group = this.cluster
      ? L.markerClusterGroup({
        chunkedLoading: true,
        chunkProgress: (processed, total) => this.chunkDone(processed, total),
        showCoverageOnHover: false,
        maxClusterRadius: CLUSTER_RADIUS,
        iconCreateFunction: (cluster) => this.clusterIcon(cluster),
      })
      : L.layerGroup();
    this.circleGroup = L.layerGroup();
    this.circleGroup.addTo(this.map);
    this.leaders = L.layerGroup().addTo(this.map); // spread markers' lines to their places
    this.group.addTo(this.map);
    this.map.on("zoomend", () => this.spreadMarkers());
    this.bindMapKeys();
  },

  /* The marker's title (its tooltip and name) in the current language. */
  titleMarker(marker, i) {
    const node = marker.getElement();
    if (node) node.title = this.field(this.sites.name, i);
  },

  circle(i) {
    if (!this.circles.has(i)) {
      const sites = this.sites;
      const circle = L.circle([sites.lat[i], sites.lon[i]], {
        radius: sites.precision[i],
        color: UNCERTAINTY_COLOR,
        weight: 1.5,
        opacity: 0.85,
        dashArray: "5 5",
        fillColor: categorySymbol(sites.category[i]).color,
        fillOpacity: 0.09,
        interactive: false,
        className: "hm-uncertainty",
      });
      this.circles.set(i, circle);
      this.circleSite.set(circle, i);
    }
    return this.circles.get(i);
  },

  /* Every shown site has its circle; a clustered page draws those in view once zoomed in. */
  circleSites() {
    const sites = this.sites;
    const wanted = new Set();
    const zoomedIn = this.map.getZoom() >= CIRCLE_MIN_ZOOM;
    const bounds = this.map.getBounds().pad(0.2);
    for (let i = 0; i < this.count && wanted.size < MAX_CIRCLES; i++) {
      if (!this.shown[i] || !sites.precision[i]) continue;
      if (!this.cluster || (zoomedIn && bounds.contains([sites.lat[i], sites.lon[i]]))) {
        wanted.add(i);
      }
    }
    if (this.openIndex >= 0 && sites.precision[this.openIndex]) wanted.add(this.openIndex);
    return wanted;
  },

  syncCircles() {
    const wanted = this.circleSites();
    this.circleGroup.eachLayer((layer) => {
      if (!wanted.has(this.circleSite.get(layer))) this.circleGroup.removeLayer(layer);
    });
    wanted.forEach((i) => {
      const circle = this.circle(i);
      if (!this.circleGroup.hasLayer(circle)) this.circleGroup.addLayer(circle);
    });
  },

  /* Bring the markers on the map in line with `shown`. A clustered page adds markers in
     chunks, so the page stays responsive; changes asked for meanwhile wait their turn. */
  applyMarkers() {
    if (this.busy) {
      this.dirty = true;
      return;
    }
    let add = [];
    const remove = [];
    let staying = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.shown[i] !== this.onMap[i]) (this.shown[i] ? add : remove).push(i);
      else if (this.shown[i]) staying += 1;
    }
    if (this.cluster && remove.length > staying) {
      this.group.clearLayers(); // cheaper than removing most markers one by one
      this.onMap.fill(0);
      add = [];
      this.shown.forEach((show, i) => { if (show) add.push(i); });
      remove.length = 0;
    }
    remove.forEach((i) => { this.onMap[i] = 0; });
    add.forEach((i) => { this.onMap[i] = 1; });
    const markers = (indexes) => indexes.map((i) => this.markers[i]);
    if (!this.cluster) {
      remove.forEach((i) => this.group.removeLayer(this.markers[i]));
      add.forEach((i) => this.group.addLayer(this.markers[i]));
      this.spreadMarkers();
      return;
    }
    this.group.removeLayers(markers(remove));
    if (add.length) {
      this.busy = true;
      this.group.addLayers(markers(add));
    }
  },

  /* markercluster's chunkProgress: the last chunk is in, so waiting work can run. */
  chunkDone(processed, total) {
    if (processed < total) return;
    this.busy = false;
    if (this.dirty) {
      this.dirty = false;
      this.applyMarkers();
    }
    if (!this.busy && this.afterLoad) {
      const task = this.afterLoad;
      this.afterLoad = null;
      task();
    }
  },

  /* Highlight site i's marker and list row (-1: none) and raise its marker above the
     rest; the marker raised before goes back to its place. */
  markSelected(i) {
    this.markers.forEach((m, j) => {
      const node = m.getElement();
      if (node) node.classList.toggle("hm-marker-selected", j === i);
    });
    if (this.raised >= 0 && this.raised !== i) this.markers[this.raised].setZIndexOffset(0);
    if (i >= 0) this.markers[i].setZIndexOffset(SELECTED_Z_OFFSET);
    this.raised = i;
    document.querySelectorAll(".hm-site-button").forEach((button) => {
      button.setAttribute("aria-current", String(Number(button.dataset.index) === i));
    });
  },
};
