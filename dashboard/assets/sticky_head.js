/* The compare page's country header stays in view on a narrow screen as it does on a laptop.

   On a laptop the heat maps are in the page's own flow and `position: sticky` keeps their header at the top of the
   window. On a phone a heat map scrolls sideways in its box (.heatmap-scroll), and a box that scrolls sideways is
   the scroll container its sticky header sticks to, not the window: the header left the screen with the first
   rows. Here the header is moved down by as much as the window has scrolled past the table's top (a CSS variable
   that compare.css turns into a translation), never past the table's last row. Nothing moves where the box does
   not scroll (a wide screen, or print). */
(function () {
  "use strict";
  var queued = false;

  function shiftOf(box, table) {
    if (window.getComputedStyle(box).overflowX === "visible") { return 0; }
    var head = table.tHead;  // its offsetTop counts the caption above it, and no translation
    var past = -(table.getBoundingClientRect().top + head.offsetTop);
    return Math.max(0, Math.min(past, table.offsetHeight - head.offsetTop - head.offsetHeight));
  }

  function place() {
    queued = false;
    var boxes = document.querySelectorAll(".heatmap-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var table = boxes[i].querySelector("table.heatmap");
      if (!table || !table.tHead) { continue; }
      var value = Math.round(shiftOf(boxes[i], table)) + "px";
      if (table.style.getPropertyValue("--head-shift") !== value) { table.style.setProperty("--head-shift", value); }
    }
  }

  function queue() {
    if (!queued) { queued = true; window.requestAnimationFrame(place); }
  }

  window.addEventListener("scroll", queue, { passive: true });
  window.addEventListener("resize", queue);
  new MutationObserver(queue).observe(document.documentElement, { childList: true, subtree: true });
})();
