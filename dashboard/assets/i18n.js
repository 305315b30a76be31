/* Language and accessibility helpers for the parts of the page Dash draws itself.

   1. The language travels with the reader: internal links and in-page URL changes (history.pushState/replaceState,
      used by dcc.Link, dcc.Location and the pages' clientside callbacks) keep ?lang= when the page is not in English.
   2. Texts and names for Dash components that have no property for them (DataTable pager, dropdown focus target,
      slider thumb), from the page's own strings (<script id="lmm-i18n">, written from dashboard/i18n/<lang>.yaml).
   3. Fixes for what axe-core reports on Dash 4 components: radio lists drawn as a listbox of options containing
      radio inputs (nested interactive controls), a focusable input hidden from assistive technology.
   Everything is idempotent: a MutationObserver re-applies it whenever React redraws a component. */
(function () {
  "use strict";
  var PARAM = "lang";
  var strings = {};
  try {
    var node = document.getElementById("lmm-i18n");
    strings = node ? JSON.parse(node.textContent || "{}") : {};
  } catch (e) {
    strings = {};
  }
  function text(key, fallback) {
    return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : fallback;
  }
  window.lmmText = function (key) { return text(key, ""); };

  function pageLang() {
    var asked = new URLSearchParams(window.location.search).get(PARAM);
    if (asked) { return asked; }
    var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return lang === "en" ? null : lang;
  }

  /* An internal URL with the page's language added (nothing for English or links that name a language). */
  function withLang(url) {
    var lang = pageLang();
    if (!lang || url === null || url === undefined || url === "") { return url; }
    var target;
    try { target = new URL(String(url), window.location.href); } catch (e) { return url; }
    if (target.origin !== window.location.origin || target.searchParams.has(PARAM)) { return url; }
    if (/^\/(api|_dash|assets|steward\/static)/.test(target.pathname)) { return url; }
    // add to the query as written (URLSearchParams would re-encode it: "MEX,PHL" -> "MEX%2CPHL")
    return target.pathname + (target.search ? target.search + "&" : "?") + PARAM + "=" + lang + target.hash;
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = window.history[name];
    window.history[name] = function (state, title, url) {
      return original.call(this, state, title, arguments.length > 2 ? withLang(url) : url);
    };
  });

  function fixLink(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) { return; }
    var lang = link.getAttribute("data-lang-switch");
    if (lang) {  // the switcher: this very page (path, query, hash as they are now) in another language
      var query = window.location.search.replace(/^\?/, "").split("&").filter(function (part) {
        return part && part.split("=")[0] !== PARAM;
      });
      query.push(PARAM + "=" + lang);
      link.setAttribute("href", window.location.pathname + "?" + query.join("&") + window.location.hash);
      return;
    }
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || link.hasAttribute("download")) { return; }
    var fixed = withLang(href);
    if (fixed !== href) { link.setAttribute("href", fixed); }
  }
  ["click", "auxclick", "contextmenu", "focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, fixLink, true);
  });

  var PAGER = { "first-page": "pager_first", "previous-page": "pager_previous", "next-page": "pager_next",
                "last-page": "pager_last" };

  function label(el, value) {
    if (value && el.getAttribute("aria-label") !== value) { el.setAttribute("aria-label", value); }
  }

  function controlLabel(el) {
    var holder = el.closest(".control, fieldset, [role=group]");
    if (!holder) { return ""; }
    var named = holder.getAttribute("aria-label");
    var by = holder.getAttribute("aria-labelledby");
    var source = (by && document.getElementById(by)) || holder.querySelector("label, legend, .label");
    return named || (source ? source.textContent.trim() : "");
  }

  function fix(root) {
    root.querySelectorAll(".previous-next-container button").forEach(function (button) {
      Object.keys(PAGER).forEach(function (cls) {
        if (button.classList.contains(cls)) { label(button, text(PAGER[cls], cls)); }
      });
    });
    root.querySelectorAll(".previous-next-container input.current-page").forEach(function (input) {
      label(input, text("pager_page", "Page number"));
    });
    root.querySelectorAll(".dash-filter--case").forEach(function (toggle) {
      var title = text("filter_case", "");
      if (title && toggle.getAttribute("title") !== title) { toggle.setAttribute("title", title); }
      label(toggle, title || toggle.getAttribute("title"));
    });
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (input) {
      input.removeAttribute("aria-hidden");  // it takes the Tab focus for the dropdown's button: name it instead
      var button = input.nextElementSibling;
      var name = button && button.id ? document.querySelector("label[for='" + button.id + "']") : null;
      label(input, name ? name.textContent.trim() : text("dropdown", "Dropdown"));
    });
    root.querySelectorAll("button.dash-dropdown[id][aria-labelledby]").forEach(function (button) {
      // name = its label, then what it shows, in the order shown (value, then "3 selected")
      var field = document.querySelector("label[for='" + button.id + "']");
      if (field && !field.id) { field.id = button.id + "-label"; }
      var ids = [field ? field.id : null, button.id + "-value", button.id + "-value-count"].filter(function (id) {
        return id && document.getElementById(id);
      }).join(" ");
      if (ids && button.getAttribute("aria-labelledby") !== ids) { button.setAttribute("aria-labelledby", ids); }
    });
    root.querySelectorAll(".dash-slider-thumb[role=slider]:not([aria-label])").forEach(function (thumb) {
      label(thumb, controlLabel(thumb));
    });
    // RadioItems and Checklist only (a dropdown's options keep their listbox semantics)
    root.querySelectorAll(".dash-radioitems[role=listbox], .dash-checklist[role=listbox]").forEach(function (list) {
      if (list.querySelector("input[type=radio], input[type=checkbox]")) {
        list.setAttribute("role", list.querySelector("input[type=radio]") ? "radiogroup" : "group");
        label(list, controlLabel(list));
      }
    });
    root.querySelectorAll(".dash-radioitems > [role=option], .dash-checklist > [role=option]").forEach(function (option) {
      if (option.querySelector("input")) {
        option.removeAttribute("role");
        option.removeAttribute("aria-selected");
      }
    });
    root.querySelectorAll(".dash-radioitems > [aria-selected]:not([role]), .dash-checklist > [aria-selected]:not([role])").forEach(function (option) {
      option.removeAttribute("aria-selected");
    });
    root.querySelectorAll(".dash-input-stepper").forEach(function (button) {
      var key = button.classList.contains("dash-stepper-decrement") ? "decrease" : "increase";
      label(button, text(key, button.getAttribute("aria-label")));
    });
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(document); });
  }
  function start() {
    fix(document);
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["role", "aria-hidden", "aria-selected", "aria-labelledby"],
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
