// Questions shown and required as the answers change: relevance recomputed on every input with
// conditions.js, from the nodes and answers the section page sends (#conditions-data), the
// page's own inputs taking precedence; so are each question's "valid when" error and the list of
// answers that will not be included (selectors/live.py). The server decides the same on save.
(function () {
  "use strict";
  var data = document.getElementById("conditions-data");
  if (!data || !window.CMSConditions) return;
  var page = JSON.parse(data.textContent);
  var C = window.CMSConditions;
  var stored = C.table(page.values.concat(page.valid_values || []));
  var leftOut = page.left_out;
  var answered = new Set(((leftOut && leftOut.answered) || []).map(function (spot) {
    return JSON.stringify(spot);
  }));
  var english = (document.documentElement.lang || "en").slice(0, 2) === "en";

  // A number as typed ("1 234,5" on a French page) in the plain form the server keeps ("1234.5").
  function plainNumber(text) {
    var plain = text.split(/[\s\u00a0\u202f]/).join("").replace(/%$/, "");
    if (english) return plain.split(",").join("");
    return plain.indexOf(",") < 0 ? plain : plain.split(".").join("").replace(",", ".");
  }

  function isNumeric(input) {
    var mode = input && input.getAttribute("inputmode");
    return mode === "numeric" || mode === "decimal";
  }

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
    if (isNumeric(first)) return plainNumber(first.value);
    if (first.tagName === "SELECT" && first.multiple) {
      return Array.prototype.map.call(first.selectedOptions, function (option) { return option.value; });
    }
    return first.value;
  }

  // The error of a "valid when" next to its question, tied to its input (aria-describedby).
  function showValid(question, message, broken) {
    var own = question.querySelector("[data-valid]");
    var said = own && document.getElementById("err-" + question.id);
    var place = said && said.textContent.trim() === message ? said : own;
    if (!place) return;
    if (place === own) own.textContent = message;
    place.hidden = !broken;
    var control = question.querySelector("fieldset, textarea, select, input:not([type=hidden])");
    if (!control) return;
    var ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== place.id;
    });
    if (broken) ids.push(place.id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
    if (broken) control.setAttribute("aria-invalid", "true");
    else if (!said || said.hidden) control.removeAttribute("aria-invalid");
  }

  function breaks(rule, code, key, relevant, lookup, inputsOf) {
    var value = lookup(code, key);
    if (C.isEmpty(value)) return false;
    var inputs = inputsOf.get(code + "@" + key);
    if (inputs && isNumeric(inputs[0]) && !/^-?[0-9]*\.?[0-9]+$/.test(value)) {
      return false; // not a number: the save says so
    }
    // Read over the answers of relevant questions only, as the server does.
    var kept = function (ref, at) { return relevant(ref, at) ? lookup(ref, at) : undefined; };
    return !C.evaluate(rule.tree, kept, key, value);
  }

  // The answers that will not be included, and why: as the server says it (selectors/live.py).
  function sayLeftOut(relevant, inputsOf) {
    var panel = document.getElementById("left-out");
    if (!leftOut || !panel) return;
    var lines = [];
    form().querySelectorAll(".question[data-code]").forEach(function (question) {
      var code = question.getAttribute("data-code"), key = question.getAttribute("data-key") || "";
      var value = pageValue(inputsOf, code, key);
      var has = value === undefined ? answered.has(JSON.stringify([code, key])) : !C.isEmpty(value);
      var about = leftOut.questions[code];
      if (!has || !about || relevant(code, key)) return;
      var cause = leftOut.sections.find(function (section) { return !relevant(section.id, key); });
      var said = cause ? cause.said : about.said;
      if (!said) return;
      var name = about.name + (leftOut.loops[key] ? " (" + leftOut.loops[key] + ")" : "");
      lines.push(said.split("%(question)s").join(name));
    });
    var list = panel.querySelector("ul");
    var now = Array.prototype.map.call(list.children, function (li) { return li.textContent.trim(); });
    if (now.join("\n") === lines.join("\n")) return; // a live region speaks at each change
    list.replaceChildren.apply(list, lines.map(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      return li;
    }));
    panel.hidden = !lines.length;
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
        marker.hidden = !(shown && C.holds(tree, lookup, key, relevant));
      }
      var rule = page.valid && page.valid[code];
      if (rule) {
        showValid(question, rule.message, shown && breaks(rule, code, key, relevant, lookup, inputsOf));
      }
    });
    sayLeftOut(relevant, inputsOf);
  }

  document.addEventListener("input", recompute);
  document.addEventListener("change", recompute);
  // htmx may put a new form in place (a save refused): recompute on it.
  document.addEventListener("htmx:afterSwap", recompute);
  recompute();
})();
