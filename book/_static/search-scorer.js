/* Search-result scoring of cnnbook (Sphinx's `html_search_scorer`, appended to
 * language_data.js on the search page, after searchtools.js; plain JavaScript, no network).
 *
 * 1. A page whose own title holds every word of the query comes first: searching "padding"
 *    lists the chapter "Padding, stride and dilation" before the API entries and the glossary
 *    term of that name. Sphinx's default weights follow for everything else.
 * 2. A book opened from disk (file://) cannot fetch() its own pages, so Sphinx's excerpt under
 *    each result would fail with "Failed to fetch". There the page texts come instead from
 *    _static/cnnbook-search-pages.js (written by book/_ext/cnnbook_search.py, loaded only
 *    then): fetches of the book's pages are answered from it. If it cannot be loaded, the
 *    results list titles only, still without errors. Served over http(s), nothing changes.
 */
"use strict";

(function () {
  if (location.protocol !== "file:" || typeof window.fetch !== "function") { return; }
  var root = location.href.replace(/[?#].*$/, "").replace(/[^/]*$/, "");  // the site's folder
  var pages = new Promise(function (resolve) {
    var script = document.createElement("script");
    script.src = root + "_static/cnnbook-search-pages.js";
    script.onload = function () { resolve(window.CNNBOOK_SEARCH_PAGES || null); };
    script.onerror = function () { resolve(null); };
    document.head.appendChild(script);
  });
  pages.then(function (texts) {
    if (!texts && typeof DOCUMENTATION_OPTIONS !== "undefined") {
      DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;  // titles only
    }
  });
  var realFetch = window.fetch;
  window.fetch = function (resource, options) {
    var url = new URL(String(resource && resource.url ? resource.url : resource), location.href);
    var href = url.href.replace(/[?#].*$/, "");
    if (url.protocol !== "file:" || href.indexOf(root) !== 0 || !/\.html$/.test(href)) {
      return realFetch.apply(this, arguments);
    }
    var name = decodeURIComponent(href.slice(root.length));
    return pages.then(function (texts) {
      var body = (texts && texts[name]) || "";  // "": Sphinx adds no excerpt
      return new Response(body, { status: 200, headers: { "Content-Type": "text/html" } });
    });
  };
})();

var Scorer = {
  // Sphinx's defaults (sphinx/themes/basic/static/searchtools.js)
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,

  // added to a result from a page whose title holds every query word (more for the page
  // itself than for one of its sections), far above any of the weights above
  ownTitle: 1000,
  ownTitleSection: 500,

  queryWords: function () {
    var q = new URLSearchParams(location.search).get("q") || "";
    return q.toLowerCase().split(/\s+/).filter(function (w) {
      return w.length > 1 && w[0] !== "-";
    });
  },

  score: function (result) {
    var docname = result[0], anchor = result[2], score = result[4], kind = result[6];
    if (kind === "object" || typeof Search === "undefined" || !Search._index) { return score; }
    var i = Search._index.docnames.indexOf(docname);
    var title = i < 0 ? "" : String(Search._index.titles[i]).toLowerCase();
    var words = Scorer.queryWords();
    var own = words.length > 0 && words.every(function (w) { return title.indexOf(w) >= 0; });
    if (!own) { return score; }
    return score + (anchor ? Scorer.ownTitleSection : Scorer.ownTitle);
  }
};

/* 3. Chinese queries. The Chinese edition's index holds the words jieba cut the pages into
 *    (the glossary's terms among them), but a query has no spaces between Chinese words:
 *    "卷积层的步幅" would be looked up as one word and found nowhere. A run of Chinese
 *    characters that is not itself an indexed word is cut, longest indexed word first, into
 *    words of the index; a single character left over is dropped (the index keeps no
 *    one-character words). Queries without Chinese characters split as Sphinx splits them.
 */
var splitQuery = (function () {
  var sphinxSplit = typeof splitQuery === "function" ? splitQuery : function (query) {
    return query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter(Boolean);
  };
  var han = /[\u4e00-\u9fff]/;
  function indexed(word) {
    return typeof Search !== "undefined" && Search._index &&
      Object.prototype.hasOwnProperty.call(Search._index.terms, word.toLowerCase());
  }
  function cut(run) {
    var words = [], i = 0;
    while (i < run.length) {
      var j = run.length;
      while (j > i + 1 && !indexed(run.slice(i, j))) { j -= 1; }
      if (j > i + 1 || !han.test(run[i])) { words.push(run.slice(i, j)); }
      i = j;
    }
    return words;
  }
  return function (query) {
    var out = [];
    sphinxSplit(query).forEach(function (word) {
      out.push.apply(out, han.test(word) && !indexed(word) ? cut(word) : [word]);
    });
    return out;
  };
})();
