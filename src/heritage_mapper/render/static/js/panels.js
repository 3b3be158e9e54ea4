/* Popups and the panels in the map's corners (the legend, the basemap sources) never
 * cover each other's buttons: a popup pans into the room the controls leave, the
 * panels scroll rather than run past the map's edge, and where an open legend leaves
 * no room for a popup beside it, the two take turns. Leaflet's public API only: the
 * popup's options (L.setOptions), its contentupdate event and its update(). */

const CONTROL_GAP = 10; // pixels kept between a popup and the map's controls
const ROOM_BESIDE_MIN = 440; // a popup goes beside the top-right controls when this wide a room is left
const POPUP_CHROME = [36, 64]; // a popup's frame around its content: margins, border, tip
const POPUP_FLOOR = [100, 80]; // the smallest content a popup is shrunk to

const PanelMethods = {
  bindPanels() {
    this.map.on("resize", () => this.keepPopupClear());
    // Leaflet's documented event, fired before the popup lays itself out and pans:
    // every new content (another site, another language) gets the room as it is now.
    this.popup.on("contentupdate", () => this.keepPopupClear());
    this.map.on("popupopen", () => this.onePanelAtATime("popup"));
    // "toggle" does not bubble: caught on its way down to the legend's <details>
    this.legend.getContainer().addEventListener("toggle", () => this.onePanelAtATime("legend"), true);
  },

  /* A control corner's box in map container pixels (null when empty). */
  cornerBox(corner) {
    const container = this.map.getContainer();
    const node = container.querySelector(".leaflet-" + corner.join(".leaflet-"));
    if (!node || !node.childElementCount) return null;
    const origin = container.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    return { left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left, bottom: r.bottom - origin.top, width: r.width, height: r.height };
  },

  /* The popup pans into a room clear of every control corner: beside the top-right
     controls when that leaves room enough for a popup, else below them. */
  keepPopupClear() {
    if (!this.popup) return;
    const size = this.map.getSize();
    const none = { right: 0, bottom: 0, width: 0, height: 0 };
    const box = (corner) => this.cornerBox(corner) || none;
    const bottom = Math.max(box(["bottom", "left"]).height, box(["bottom", "right"]).height) + CONTROL_GAP;
    this.fitPanels(size.y - bottom - 2 * CONTROL_GAP, size.y / 2);
    const tl = box(["top", "left"]);
    const tr = box(["top", "right"]);
    const left = tl.right + CONTROL_GAP;
    this.popupBeside = size.x - left - tr.width - 2 * CONTROL_GAP >= ROOM_BESIDE_MIN;
    const topLeft = [left, this.popupBeside ? CONTROL_GAP : tr.bottom + CONTROL_GAP];
    const bottomRight = [this.popupBeside ? tr.width + 2 * CONTROL_GAP : CONTROL_GAP, bottom];
    L.setOptions(this.popup, { autoPanPaddingTopLeft: topLeft, autoPanPaddingBottomRight: bottomRight });
    this.fitPopup([size.x - topLeft[0] - bottomRight[0], size.y - topLeft[1] - bottomRight[1]]);
  },

  /* The popup's content no wider or taller than the room (popup.js sizes it to the
     map; on a very small map the room the controls leave is smaller than that). */
  fitPopup(room) {
    const options = this.popup.options;
    if (this.popupMinWidth === undefined) this.popupMinWidth = options.minWidth;
    const width = Math.max(POPUP_FLOOR[0], room[0] - POPUP_CHROME[0]);
    const height = Math.max(POPUP_FLOOR[1], room[1] - POPUP_CHROME[1]);
    L.setOptions(this.popup, {
      maxWidth: Math.min(options.maxWidth, width),
      minWidth: Math.min(this.popupMinWidth, width),
      maxHeight: options.maxHeight ? Math.min(options.maxHeight, height) : height,
    });
  },

  /* Panels in the map's corners scroll rather than run past the map's edge (a short
     map: a phone held sideways, 200 % zoom). */
  fitPanels(legendRoom, sourcesRoom) {
    [[this.legend, legendRoom], [this.sources, sourcesRoom]].forEach(([control, room]) => {
      const node = control && control.getContainer();
      if (!node) return;
      node.style.maxHeight = Math.max(room, 2 * MARKER_SIZE) + "px";
      node.style.overflowY = "auto";
    });
  },

  /* When an open legend leaves no room beside it for a popup (a phone, 200 % zoom),
     the legend and a popup take turns: opening one closes the other, so neither
     covers the other's buttons. Then the popup pans clear of the controls. */
  onePanelAtATime(opened) {
    this.keepPopupClear();
    if (this.legend.isOpen() && !this.popupBeside) {
      if (opened === "legend" && this.openIndex >= 0) this.map.closePopup();
      if (opened === "popup") {
        this.legend.details.open = false;
        this.keepPopupClear();
      }
    }
    if (this.openIndex >= 0 || opened === "popup") this.popup.update();
  },
};
