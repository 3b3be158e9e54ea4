/* The page as a whole, in the current language: its introduction (the project's
 * description), the links between the pages (data.page.links: the index, then each
 * layer's page; aria-current on this one) and what a shared link shows (the meta
 * description and the Open Graph title, description and locales). The page is
 * written in the default language at build time; this rewrites the same nodes. */

function setMeta(selector, content) {
  const node = document.head.querySelector(selector);
  if (node && content !== null && content !== undefined) node.setAttribute("content", content);
}

const PageMethods = {
  renderPageTexts() {
    const page = this.data.page;
    const description = page.description ? page.description[this.lang] : null;
    const intro = document.getElementById("hm-intro");
    if (intro && description) intro.textContent = description;
    document.querySelectorAll("#hm-nav a").forEach((a, k) => {
      const link = page.links[k];
      if (link) a.textContent = link.title[this.lang];
    });
    setMeta('meta[name="description"]', description);
    setMeta('meta[property="og:description"]', description);
    setMeta('meta[property="og:title"]', document.title);
    const locales = page.locales || {};
    setMeta('meta[property="og:locale"]', locales[this.lang] || this.lang);
    const others = page.languages.filter((lang) => lang !== this.lang);
    document.head.querySelectorAll('meta[property="og:locale:alternate"]').forEach((node, k) => {
      if (others[k]) node.setAttribute("content", locales[others[k]] || others[k]);
    });
  },
};
