/* Languages: the page's labels (data.messages), localized data columns, numbers,
 * and switching every text on the page to another language. */

const LanguageMethods = {
  t(key, vars) {
    const messages = this.data.messages[this.lang] || {};
    let text = key in messages ? messages[key] : key;
    Object.keys(vars || {}).forEach((name) => {
      text = text.split("{" + name + "}").join(String(vars[name]));
    });
    return text;
  },

  /* A localized column ({lang: [...]}) at row i, in the current language. */
  field(column, i) {
    const value = column[this.lang];
    return value ? value[i] : null;
  },

  number(value) {
    const [whole, fraction] = String(value).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, this.t("thousands"));
    return fraction ? grouped + this.t("decimal") + fraction : grouped;
  },

  bindLanguages() {
    document.querySelectorAll(".hm-lang-buttons button").forEach((button) => {
      button.addEventListener("click", () => this.setLanguage(button.dataset.lang));
    });
  },

  setLanguage(lang) {
    if (!(lang in this.data.messages)) return;
    this.lang = lang;
    this.renderTexts();
    this.markers.forEach((marker, i) => this.titleMarker(marker, i));
    this.renderMapKeys();
    this.legend.render();
    this.fullscreen.render();
    if (this.sources) this.sources.render();
    this.renderList();
    this.renderRegion();
    if (this.story) this.renderStory();
    if (this.openIndex >= 0) {
      this.popup.setContent(this.buildPopup(this.openIndex));
      this.onPopupOpen();
    }
  },

  /* The chosen language stays with the visitor: the links to the other pages carry it,
     and so does this page's address (text.js, keepLanguageInAddress). */
  keepLanguage() {
    const fallback = this.data.page.defaultLanguage;
    const query = this.lang === fallback ? "" : "?lang=" + encodeURIComponent(this.lang);
    document.querySelectorAll("#hm-nav a").forEach((a, k) => {
      const link = this.data.page.links[k];
      if (link) a.setAttribute("href", link.href + query);
    });
    keepLanguageInAddress(this.lang, fallback);
  },

  renderTexts() {
    const page = this.data.page;
    document.documentElement.lang = this.lang;
    const title = page.title[this.lang];
    const subtitle = page.subtitle ? page.subtitle[this.lang] : null;
    document.title = subtitle ? title + " — " + subtitle : title;
    document.getElementById("hm-title").textContent = title;
    const sub = document.getElementById("hm-subtitle");
    if (sub) sub.textContent = subtitle;
    document.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = this.t(node.dataset.i18n);
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
      node.setAttribute("placeholder", this.t(node.dataset.i18nPlaceholder));
    });
    document.querySelectorAll("[data-i18n-label]").forEach((node) => {
      node.setAttribute("aria-label", this.t(node.dataset.i18nLabel));
    });
    document.querySelectorAll("[data-i18n-title]").forEach((node) => {
      node.setAttribute("title", this.t(node.dataset.i18nTitle));
    });
    document.querySelectorAll(".hm-lang-buttons button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === this.lang));
    });
    this.renderMapTexts();
    this.renderPageTexts();
    this.keepLanguage();
    this.map.getContainer().setAttribute("aria-label", this.t("mapLabel"));
  },
};
