// The section's autosave says the truth and loses nothing when the page is left.
// htmx saves 0.8 s after a change; this script says "Unsaved changes" while typing, "Saving…"
// while a save is on its way and "Not saved" when one failed; it saves at once when the page is
// hidden (another tab, a link, closing), sends what is left with sendBeacon as the page goes, and
// warns before leaving only when a change could not be saved. The same write key makes a save
// sent twice (by htmx and by the beacon) count once.
(function () {
  // A save the server refuses answers with the form again (with its messages), which replaces
  // the form: the listeners sit on the document and find the form that is there now.
  function currentForm() {
    return document.getElementById("section-form");
  }
  if (!currentForm() || !document.getElementById("save-status") || !window.htmx) return;
  var dirty = false;
  var saving = false;
  var failed = false;

  function say(text) {
    var status = document.getElementById("save-status");
    if (status) status.textContent = text;
  }
  function inForm(event) {
    return event.target.closest && event.target.closest("#section-form");
  }
  function changed(event) {
    if (!inForm(event) || !event.target.name || event.target.name === "write_key") return;
    dirty = true;
    say(currentForm().dataset.unsaved);
  }
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  function fromForm(event) {
    // htmx tells of a request whose form was replaced on an element still on the page.
    return event.detail.elt && event.detail.elt.id === "section-form";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!fromForm(event)) return;
    saving = true;
    dirty = false;
    say(currentForm().dataset.saving);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!fromForm(event)) return;
    saving = false;
    // A refused save comes back as the form with its messages, put in place of this one.
    var refused = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Retarget");
    failed = !event.detail.successful || refused === "#section-form";
    if (failed) {
      dirty = true;
      say(currentForm().dataset.failed);
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "section-form") return;
    dirty = false; // the button's full save: the next page says what happened
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && !saving) {
      htmx.trigger(currentForm(), "save-now");
    }
  });
  window.addEventListener("pagehide", function () {
    if (!(dirty || saving)) return;
    var form = currentForm();
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
