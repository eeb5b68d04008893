// Show a question when the answer it depends on matches (the server decides again on save).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.name || input.name.indexOf("@") < 0 || input.name.indexOf("#") >= 0) return;
  document.querySelectorAll('[data-show-if="' + CSS.escape(input.name) + '"]').forEach(function (question) {
    var expected = question.getAttribute("data-show-value");
    var checked = input.type === "radio" || input.type === "checkbox" ? input.checked : true;
    question.hidden = !(checked && input.value === expected);
  });
});
