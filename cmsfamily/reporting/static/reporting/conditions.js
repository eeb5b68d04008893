// The condition evaluator of the browser: the same rules as the server's
// (cmsfamily/reporting/conditions/evaluate.py, whose docstring states them), on the same JSON tree;
// nothing is parsed here. Both pass the cases of cmsfamily/reporting/conditions/vectors.json.
//
//   CMSConditions.evaluate(expr, lookup, key, current, hidden) -> true | false
//   lookup(code, key): the answer, or undefined when there is none for that loop item
//   hidden: the codes of the questions read that are not shown (an array; counted as not
//   answered where the condition asks whether they are, unknown otherwise: see evaluate.py)
//   CMSConditions.holds(expr, lookup, key, relevant): evaluate, hidden being the questions read
//   for which relevant(code, key) is false
//   CMSConditions.table([[code, key, value], ...]) -> such a lookup
//   CMSConditions.relevance(nodes, lookup) -> [[id, key, relevant], ...] (see relevance.py)
(function () {
  "use strict";

  var NUMBER = "number", DATE = "date", MULTI = "multi", TEXT = "text", ANY = "any";
  var COMPARISONS = { "=": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1 };
  var MEASURES = { "count-selected": 1, "string-length": 1 };
  // The value of a hidden question read other than as answered or not (checked before isEmpty,
  // which an empty object would pass).
  var UNKNOWN = Object.freeze({ unknown: true });

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).length === 0;
    return false;
  }

  function allDigits(text) {
    if (!text) return false;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 48 || code > 57) return false;
    }
    return true;
  }

  // An int, or text -?digits(.digits)?, as {negative, whole, fraction} without padding zeros.
  function decimalOf(value) {
    if (typeof value === "number") {
      if (!Number.isInteger(value)) return null;
      value = String(value);
    }
    if (typeof value !== "string") return null;
    var negative = value.charAt(0) === "-";
    var body = negative ? value.slice(1) : value;
    var dot = body.indexOf(".");
    var whole = dot < 0 ? body : body.slice(0, dot);
    var fraction = dot < 0 ? "" : body.slice(dot + 1);
    if (!allDigits(whole)) return null;
    if (dot >= 0 && !allDigits(fraction)) return null;
    whole = whole.replace(/^0+/, "");
    fraction = fraction.replace(/0+$/, "");
    if (!whole && !fraction) negative = false;
    return { negative: negative, whole: whole, fraction: fraction };
  }

  function compareDecimals(x, y) {
    if (x.negative !== y.negative) return x.negative ? -1 : 1;
    var sign = x.negative ? -1 : 1;
    if (x.whole.length !== y.whole.length) return x.whole.length < y.whole.length ? -sign : sign;
    if (x.whole !== y.whole) return x.whole < y.whole ? -sign : sign;
    var size = Math.max(x.fraction.length, y.fraction.length);
    var a = x.fraction.padEnd(size, "0"), b = y.fraction.padEnd(size, "0");
    if (a === b) return 0;
    return a < b ? -sign : sign;
  }

  function isDate(value) {
    if (typeof value !== "string" || value.length !== 10) return false;
    if (value.charAt(4) !== "-" || value.charAt(7) !== "-") return false;
    var year = value.slice(0, 4), month = value.slice(5, 7), day = value.slice(8);
    if (!allDigits(year) || !allDigits(month) || !allDigits(day)) return false;
    var y = Number(year), m = Number(month), d = Number(day);
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    var last = new Date(Date.UTC(2000, m, 0)).getUTCDate(); // days in month m of a leap year
    if (m === 2) last = (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
    return d <= last;
  }

  function textOf(value) {
    if (Array.isArray(value)) return value.map(textOf).join(" ");
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value !== null && typeof value === "object") return "";
    return String(value);
  }

  function optionsOf(value) {
    var parts = Array.isArray(value) ? value.map(textOf) : textOf(value).split(" ");
    var set = {};
    parts.forEach(function (part) { if (Array.isArray(value) || part) set[part] = true; });
    return set;
  }

  function sameSet(a, b) {
    var keysA = Object.keys(a), keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    return keysA.every(function (key) { return Object.prototype.hasOwnProperty.call(b, key); });
  }

  function inferred(value) {
    if (typeof value === "number" && Number.isInteger(value)) return NUMBER;
    if (Array.isArray(value)) return MULTI;
    return TEXT;
  }

  function ordered(op, order) {
    switch (op) {
      case "=": return order === 0;
      case "!=": return order !== 0;
      case "<": return order < 0;
      case "<=": return order <= 0;
      case ">": return order > 0;
      default: return order >= 0;
    }
  }

  function Evaluation(lookup, key, current, hidden) {
    this.lookup = lookup;
    this.key = key || "";
    this.current = current === undefined ? null : current;
    this.hidden = new Set(hidden || []);
  }

  Evaluation.prototype.answer = function (code) {
    var value = this.lookup(code, this.key);
    if (value !== undefined) return value;
    value = this.lookup(code, "");
    return value === undefined ? null : value;
  };

  // [value, type] of an operand. emptiness: it is read only for whether it is answered, so a
  // hidden question is read as not answered, not UNKNOWN.
  Evaluation.prototype.value = function (node, emptiness) {
    var op = node.op, value, kind;
    if (op === "str") return [node.v, TEXT];
    if (op === "num") return [node.v, NUMBER];
    if (op === "ref" || op === "self") {
      kind = node.t || ANY;
      if (op === "ref" && this.hidden.has(node.q)) {
        return emptiness ? [null, kind === ANY ? TEXT : kind] : [UNKNOWN, kind];
      }
      value = op === "ref" ? this.answer(node.q) : this.current;
      return [value, kind === ANY ? inferred(value) : kind];
    }
    if (op === "count-selected") {
      value = this.value(node.arg, emptiness)[0];
      if (value === UNKNOWN) return [UNKNOWN, NUMBER];
      if (isEmpty(value)) return [0, NUMBER];
      return [Array.isArray(value) ? value.length : 1, NUMBER];
    }
    if (op === "string-length") {
      value = this.value(node.arg, emptiness)[0];
      if (value === UNKNOWN) return [UNKNOWN, NUMBER];
      return [isEmpty(value) ? 0 : Array.from(textOf(value)).length, NUMBER];
    }
    var result = this.holds(node);
    return [result === null ? UNKNOWN : result, "boolean"];
  };

  // true, false, or null where it reads a hidden question in a way that decides it (unknown).
  Evaluation.prototype.holds = function (node) {
    var op = node.op, value, result;
    if (op === "and" || op === "or") {
      var decisive = op === "or", unknown = false;
      for (var i = 0; i < node.args.length; i++) {
        result = this.holds(node.args[i]);
        if (result === decisive) return decisive;
        unknown = unknown || result === null;
      }
      return unknown ? null : !decisive;
    }
    if (op === "not") {
      result = this.holds(node.arg);
      return result === null ? null : !result;
    }
    if (COMPARISONS[op]) return this.compare(op, node.a, node.b);
    if (op === "selected") {
      value = this.value(node.arg)[0];
      if (value === UNKNOWN) return null;
      if (isEmpty(value)) return false;
      if (Array.isArray(value)) return value.map(textOf).indexOf(node.v) >= 0;
      return textOf(value) === node.v;
    }
    var pair = this.value(node, true);
    if (pair[0] === UNKNOWN) return null;
    if (pair[1] === "boolean") return Boolean(pair[0]);
    if (isEmpty(pair[0])) return false;
    if (pair[1] !== NUMBER) return true;
    var number = decimalOf(pair[0]);
    return number === null || number.whole !== "" || number.fraction !== "";
  };

  function isZero(node) {
    return node.op === "num" && node.v === "0" && Object.keys(node).length === 2;
  }

  Evaluation.prototype.compare = function (op, left, right) {
    var sides = [[left, right], [right, left]];
    for (var i = 0; i < 2; i++) {
      var side = sides[i][0];
      if (side.op === "str" && side.v === "" && (op === "=" || op === "!=")) {
        var other = this.value(sides[i][1], true)[0];
        if (other === UNKNOWN) return null;
        var empty = isEmpty(other);
        return op === "=" ? empty : !empty;
      }
    }
    var zero = isZero(left) || isZero(right);
    var first = this.value(left, zero && Boolean(MEASURES[left.op]));
    var second = this.value(right, zero && Boolean(MEASURES[right.op]));
    var a = first[0], b = second[0];
    if (a === UNKNOWN || b === UNKNOWN) return null;
    if (isEmpty(a) || isEmpty(b)) return false;
    var kinds = [first[1], second[1]];
    if (kinds.indexOf(NUMBER) >= 0) {
      var x = decimalOf(a), y = decimalOf(b);
      if (x === null || y === null) return false;
      return ordered(op, compareDecimals(x, y));
    }
    if (kinds.indexOf(DATE) >= 0) {
      if (!isDate(a) || !isDate(b)) return false;
      return ordered(op, a === b ? 0 : (a < b ? -1 : 1));
    }
    if (op !== "=" && op !== "!=") return false;
    var same;
    if (kinds.indexOf(MULTI) >= 0) same = sameSet(optionsOf(a), optionsOf(b));
    else same = textOf(a) === textOf(b);
    return op === "=" ? same : !same;
  };

  function table(rows) {
    var map = new Map();
    rows.forEach(function (row) { map.set(JSON.stringify([row[0], row[1]]), row[2]); });
    return function (code, key) { return map.get(JSON.stringify([code, key])); };
  }

  // A condition that comes out unknown does not hold.
  function evaluate(expr, lookup, key, current, hidden) {
    return new Evaluation(lookup, key, current, hidden).holds(expr) === true;
  }

  // The question codes a condition reads, in order of first appearance.
  function references(expr) {
    var found = [];
    (function walk(node) {
      if (node.op === "ref") {
        if (found.indexOf(node.q) < 0) found.push(node.q);
        return;
      }
      ["a", "b", "arg"].forEach(function (key) { if (node[key]) walk(node[key]); });
      (node.args || []).forEach(walk);
    })(expr);
    return found;
  }

  function hasCondition(node) {
    return Boolean(node.condition) && Object.keys(node.condition).length > 0;
  }

  // Whether a condition holds for a loop item, the questions it reads that are not relevant
  // (relevant(code, key) false) counting as not answered.
  function holds(expr, lookup, key, relevant) {
    var hidden = references(expr).filter(function (code) { return !relevant(code, key); });
    return evaluate(expr, lookup, key, null, hidden);
  }

  // Transitive relevance, step for step as conditions/relevance.py computes it.
  // nodes: [{id, condition, within, loop_keys}] in the order of the form.
  // Returns [[id, key, relevant], ...]: each node at each key of its loop ("" outside loops).
  function relevance(nodes, lookup) {
    var byId = new Map(), known = new Map(), scopes = new Map();
    var path = [], depth = new Map(), circled = new Set();
    nodes.forEach(function (node) { byId.set(node.id, node); });

    function scope(id) {
      if (!scopes.has(id)) {
        var within = byId.get(id).within, keys = [""], passed = new Set([id]);
        while (within !== null && within !== undefined && byId.has(within) && !passed.has(within)) {
          passed.add(within);
          var parent = byId.get(within);
          if (parent.loop_keys !== null && parent.loop_keys !== undefined) {
            keys = parent.loop_keys;
            break;
          }
          within = parent.within;
        }
        scopes.set(id, keys);
      }
      return scopes.get(id);
    }

    function relevant(id, key) {
      if (!byId.has(id)) return true;
      if (scope(id).indexOf(key) < 0) key = "";
      var place = JSON.stringify([id, key]);
      if (known.has(place)) return known.get(place);
      if (depth.has(place)) { // a circle: every place from there to here is on it
        path.slice(depth.get(place)).forEach(function (one) { circled.add(one); });
        return false;
      }
      depth.set(place, path.length);
      path.push(place);
      var node = byId.get(id);
      var result = node.within === null || node.within === undefined || relevant(node.within, key);
      if (result && hasCondition(node)) {
        // every question it reads is decided, none skipped after a hidden one
        var hidden = references(node.condition).filter(function (code) {
          return !relevant(code, key);
        });
        result = evaluate(node.condition, lookup, key, null, hidden);
      }
      path.pop();
      depth.delete(place);
      if (circled.has(place)) result = false;
      known.set(place, result);
      return result;
    }

    var out = [];
    byId.forEach(function (node, id) {
      scope(id).forEach(function (key) { out.push([id, key, relevant(id, key)]); });
    });
    return out;
  }

  window.CMSConditions = {
    evaluate: evaluate,
    holds: holds,
    relevance: relevance,
    references: references,
    table: table,
    isEmpty: isEmpty,
  };
})();
