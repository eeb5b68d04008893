// The section's autosave says the truth and loses nothing when the page is left.
// htmx saves 0.8 s after a change; this script says "Unsaved changes" while typing, "Saving…"
// while a save is on its way and "Not saved" when one failed; it saves at once when the page is
// hidden (another tab, a link, closing), sends what is left with sendBeacon as the page goes, and
// warns before leaving only when a change could not be saved. The same write key makes a save
// sent twice (by htmx and by the beacon) count once.
(function () {
  var form = document.getElementById("section-form");
  var status = document.getElementById("save-status");
  if (!form || !status || !window.htmx) return;
  var dirty = false;
  var saving = false;
  var failed = false;

  function say(text) {
    status.textContent = text;
  }
  function changed(event) {
    if (!event.target.name || event.target.name === "write_key") return;
    dirty = true;
    say(form.dataset.unsaved);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("htmx:beforeRequest", function () {
    saving = true;
    dirty = false;
    say(form.dataset.saving);
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    saving = false;
    failed = !event.detail.successful;
    if (failed) {
      dirty = true;
      say(form.dataset.failed);
    }
  });
  form.addEventListener("submit", function () {
    dirty = false; // the button's full save: the next page says what happened
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && !saving) htmx.trigger(form, "save-now");
  });
  window.addEventListener("pagehide", function () {
    if (!(dirty || saving)) return;
    var data = new FormData(form);
    if (navigator.sendBeacon && navigator.sendBeacon(form.getAttribute("hx-post"), data)) {
      dirty = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (failed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Back to a page kept in the browser's memory: its revisions are old, so draw it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
