// aidtrace: a little vanilla JavaScript, loaded from the site itself (the CSP allows nothing else).
// Clicking a fact beside a document scrolls to its evidence and flashes it; clicking evidence
// marks the facts it supports.
(function () {
  "use strict";

  function evidenceOf(mention) {
    return Array.prototype.filter.call(document.querySelectorAll("mark.evidence"), function (mark) {
      return (mark.getAttribute("data-mentions") || "").split(" ").indexOf(mention) >= 0;
    });
  }

  function flash(marks) {
    document.querySelectorAll("mark.evidence.flash").forEach(function (mark) { mark.classList.remove("flash"); });
    marks.forEach(function (mark) {
      void mark.offsetWidth; // restart the animation
      mark.classList.add("flash");
    });
  }

  function showMention(mention, smooth) {
    var marks = evidenceOf(mention);
    if (!marks.length) { return false; }
    marks[0].scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
    flash(marks);
    document.querySelectorAll(".fact-item").forEach(function (item) {
      item.classList.toggle("active", item.getAttribute("data-mention") === mention);
    });
    return true;
  }

  document.addEventListener("click", function (event) {
    var jump = event.target.closest && event.target.closest("a.jump");
    if (jump) {
      var mention = jump.getAttribute("data-mention");
      if (showMention(mention, true)) {
        event.preventDefault();
        history.replaceState(null, "", "#ev-" + mention);
      }
      return;
    }
    var mark = event.target.closest && event.target.closest("mark.evidence");
    if (mark) {
      var mentions = (mark.getAttribute("data-mentions") || "").split(" ");
      document.querySelectorAll(".fact-item").forEach(function (item) {
        item.classList.toggle("active", mentions.indexOf(item.getAttribute("data-mention")) >= 0);
      });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var match = /^#ev-(\d+)$/.exec(window.location.hash);
    if (match) { showMention(match[1], false); }
    // Filter selects submit their form at once; the button stays for keyboards and no-JS.
    document.querySelectorAll("form.filters select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
