// Questions shown and required as the answers change: relevance recomputed on every input with
// conditions.js, from the nodes and answers the section page sends (#conditions-data), the
// page's own inputs taking precedence. The server decides the same again on save.
(function () {
  "use strict";
  var data = document.getElementById("conditions-data");
  if (!data || !window.CMSConditions) return;
  var page = JSON.parse(data.textContent);
  var C = window.CMSConditions;
  var stored = C.table(page.values);

  function form() { return document.getElementById("section-form"); }

  // The page's inputs by name, read once per recompute: searching the form for each answer a
  // condition reads took most of a change on a loop section of 500 fields (bench/relevance).
  function inputsByName() {
    var byName = new Map(), root = form();
    if (!root) return byName;
    root.querySelectorAll("[name]").forEach(function (input) {
      var name = input.getAttribute("name");
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(input);
    });
    return byName;
  }

  // The answer an input of the page holds (undefined when the page has no input for it).
  function pageValue(inputsOf, code, key) {
    var inputs = inputsOf.get(code + "@" + key);
    if (!inputs || !inputs.length) return undefined;
    var first = inputs[0];
    if (first.type === "radio") {
      var chosen = Array.prototype.find.call(inputs, function (input) { return input.checked; });
      return chosen ? chosen.value : "";
    }
    if (first.type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (input) { return input.checked; })
        .map(function (input) { return input.value; });
    }
    if (first.type === "file" || first.type === "hidden") return undefined;
    if (first.tagName === "SELECT" && first.multiple) {
      return Array.prototype.map.call(first.selectedOptions, function (option) { return option.value; });
    }
    return first.value;
  }

  function recompute() {
    var inputsOf = inputsByName();
    function lookup(code, key) {
      var value = pageValue(inputsOf, code, key);
      return value === undefined ? stored(code, key) : value;
    }
    var places = new Map();
    C.relevance(page.nodes, lookup).forEach(function (row) {
      places.set(JSON.stringify([row[0], row[1]]), row[2]);
    });
    function relevant(id, key) {
      var place = JSON.stringify([id, key]);
      if (places.has(place)) return places.get(place);
      place = JSON.stringify([id, ""]);
      return places.has(place) ? places.get(place) : true;
    }
    var root = form();
    if (!root) return;
    root.querySelectorAll(".question[data-code]").forEach(function (question) {
      var code = question.getAttribute("data-code"), key = question.getAttribute("data-key") || "";
      var shown = relevant(code, key);
      question.hidden = !shown;
      var marker = question.querySelector(".required[data-when]");
      var tree = page.required[code];
      if (marker && tree) {
        marker.hidden = !(shown && C.references(tree).every(function (ref) { return relevant(ref, key); }) &&
          C.evaluate(tree, lookup, key));
      }
    });
  }

  document.addEventListener("input", recompute);
  document.addEventListener("change", recompute);
  // htmx may put a new form in place (a save refused): recompute on it.
  document.addEventListener("htmx:afterSwap", recompute);
})();
