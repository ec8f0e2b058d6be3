/* apexlint HTML report: filters and print expansion. Vanilla JS, no network, no eval.
   Everything it reads comes from data-* attributes and text the page already shows. */
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.add("js");

  var controls = {
    rule: doc.getElementById("filter-rule"),
    level: doc.getElementById("filter-level"),
    file: doc.getElementById("filter-file"),
    text: doc.getElementById("filter-text")
  };
  var reset = doc.getElementById("filter-reset");
  var counter = doc.getElementById("filter-count");
  var cards = Array.prototype.slice.call(doc.querySelectorAll("[data-finding]"));
  var groups = Array.prototype.slice.call(doc.querySelectorAll("[data-group]"));
  var sections = Array.prototype.slice.call(doc.querySelectorAll("[data-section]"));
  // Lower-cased text of each card, read once: searching is then a plain substring test.
  var haystacks = cards.map(function (card) { return card.textContent.toLowerCase(); });

  function matches(card, index, query) {
    var data = card.dataset;
    return (!controls.rule.value || data.rule === controls.rule.value) &&
      (!controls.level.value || data.level === controls.level.value) &&
      (!controls.file.value || data.path === controls.file.value) &&
      (!query || haystacks[index].indexOf(query) !== -1);
  }

  function hasVisibleCard(container) {
    return container.querySelector("[data-finding]:not([hidden])") !== null;
  }

  function apply() {
    var query = controls.text.value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (card, index) {
      var visible = matches(card, index, query);
      card.hidden = !visible;
      if (visible) { shown += 1; }
    });
    groups.forEach(function (group) { group.hidden = !hasVisibleCard(group); });
    sections.forEach(function (section) {
      var empty = section.querySelector("[data-empty]");
      var hasCards = section.querySelector("[data-finding]") !== null;
      if (empty) { empty.hidden = !hasCards || hasVisibleCard(section); }
    });
    counter.textContent = shown + " of " + cards.length + " findings";
  }

  function clear() {
    controls.rule.value = "";
    controls.level.value = "";
    controls.file.value = "";
    controls.text.value = "";
    apply();
  }

  if (controls.rule && controls.level && controls.file && controls.text && counter) {
    ["rule", "level", "file"].forEach(function (name) {
      controls[name].addEventListener("change", apply);
    });
    controls.text.addEventListener("input", apply);
    if (reset) { reset.addEventListener("click", clear); }
    apply();
  }

  // Printing shows the whole report: every explanation expanded (filters are hidden by CSS).
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = Array.prototype.slice.call(doc.querySelectorAll("details:not([open])"));
    reopened.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (details) { details.open = false; });
    reopened = [];
  });
}());
