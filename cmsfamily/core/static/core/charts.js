/* Interactive charts. The page shows the chart drawn on the server (an inline SVG) and works
   without JavaScript. Where the vendored vega-embed has loaded, each <figure data-chart-spec="ID">
   is drawn again from the same Vega-Lite spec (the JSON that json_script wrote in the element ID),
   with tooltips and the number format of the page's language. If anything fails, the server's
   drawing stays. */
(function () {
  "use strict";

  // Words cut into lines of at most `size` characters (a title never wraps by itself).
  function lines(text, size) {
    var result = [];
    text.split(/\s+/).forEach(function (word) {
      var last = result.length - 1;
      if (last >= 0 && (result[last] + " " + word).length <= size) {
        result[last] += " " + word;
      } else {
        result.push(word);
      }
    });
    return result;
  }

  // The chart takes the width of its figure: laid out again, not scaled, so the text keeps its
  // size on a phone, where long labels are cut shorter and the legend takes two columns.
  function fitted(payload, width) {
    var copy = JSON.parse(JSON.stringify(payload.spec));
    copy.width = "container";
    copy.title = { text: lines(payload.title, Math.max(20, Math.floor(width / 9))) };
    if (width < 560) {
      copy.config = copy.config || {};
      copy.config.axis = Object.assign({}, copy.config.axis, {
        labelLimit: Math.max(90, Math.round(width * 0.4)),
      });
      var color = copy.encoding && copy.encoding.color;
      if (color && color.legend) {
        color.legend.columns = 2;
      }
    }
    return copy;
  }

  function redraw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart-spec"));
    var image = figure.querySelector(".chart-image");
    if (!source || !image) {
      return;
    }
    var payload = JSON.parse(source.textContent);
    var drawn = Array.prototype.slice.call(image.childNodes);
    var state = { width: 0, view: null, timer: 0 };

    function draw() {
      var width = image.clientWidth;
      if (Math.abs(width - state.width) < 40) {
        return; // about the same width: the chart that is there fits
      }
      state.width = width;
      var holder = document.createElement("div");
      holder.className = "chart-live";
      image.replaceChildren(holder); // in the page, so that it has a width to fill
      window
        .vegaEmbed(holder, fitted(payload, width), {
          actions: false,
          renderer: "svg",
          formatLocale: payload.formatLocale,
          // Under the site's Content-Security-Policy: expressions are interpreted (vega-embed's
          // bundled vega-interpreter) instead of compiled with Function(), and no <style> element
          // is added (the tooltip's style is in contributions.css).
          ast: true,
          defaultStyle: false,
          tooltip: { theme: "light", disableDefaultStyle: true },
        })
        .then(function (result) {
          if (state.view) {
            state.view.finalize();
          }
          state.view = result.view;
          figure.classList.add("chart-interactive");
        })
        .catch(function (error) {
          state.width = 0;
          image.replaceChildren.apply(image, drawn);
          figure.classList.remove("chart-interactive");
          if (window.console) {
            window.console.warn("The chart was not redrawn; the server's drawing stays.", error);
          }
        });
    }

    draw();
    // A phone turned or a window resized: the title and the labels are cut for the new width.
    window.addEventListener("resize", function () {
      window.clearTimeout(state.timer);
      state.timer = window.setTimeout(draw, 200);
    });
  }

  function start() {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    document.querySelectorAll("figure[data-chart-spec]").forEach(redraw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
