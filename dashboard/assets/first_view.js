/* The page drawn on the server (dashboard/first_view.py, <div id="lmm-first-view">) stays until Dash has drawn the
   page's own content, then goes in the same task: the two copies are never both there for a script to see. */
(function () {
  "use strict";
  function swapped() {
    var first = document.getElementById("lmm-first-view");
    if (!first) { return true; }
    var root = document.getElementById("react-entry-point");
    var content = root && root.querySelector("#_pages_content");
    if (!content || content.childElementCount === 0) { return false; }
    first.parentNode.removeChild(first);
    return true;
  }
  if (swapped()) { return; }
  var watch = new MutationObserver(function () { if (swapped()) { watch.disconnect(); } });
  watch.observe(document.body || document.documentElement, {childList: true, subtree: true});
})();
