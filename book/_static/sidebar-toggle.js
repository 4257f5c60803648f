/* Sidebar toggles of cnnbook (plain JavaScript, no libraries).
 *
 * pydata-sphinx-theme >= 0.17 renders a hidden hamburger button `.primary-toggle` in its top
 * navbar, and sphinx-book-theme renders the visible one in the article header. Both themes'
 * scripts bind `document.querySelector(".primary-toggle")`, i.e. the hidden button, so the
 * visible one does nothing: the chapter list cannot be opened (pydata-sphinx-theme issue 2451).
 * The same holds for `.secondary-toggle` (the page contents on a phone).
 *
 * This script forwards a click on any other toggle of the same kind to the first one, which
 * carries the themes' handlers: on a wide screen the sidebar collapses and expands, on a narrow
 * one it opens as a dialog (closed with Escape or a click beside it). Where a theme has only
 * one toggle of a kind, nothing is forwarded.
 */
(function () {
  "use strict";

  function forward(selector) {
    var toggles = document.querySelectorAll(selector);
    var bound = toggles[0];
    for (var i = 1; i < toggles.length; i++) {
      if (toggles[i].getAttribute("data-cnnbook-forward")) { continue; }
      toggles[i].setAttribute("data-cnnbook-forward", selector);
      toggles[i].addEventListener("click", function (event) {
        event.preventDefault();
        event.stopImmediatePropagation();
        this.blur();  // the tooltip "Toggle primary sidebar" should not stay up
        bound.click();
      }, true);
    }
  }

  function init() {
    forward(".primary-toggle");
    forward(".secondary-toggle");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
