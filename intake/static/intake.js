// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // Conditional questions: show or hide as the controlling answer changes.
  // The server applies the same rule, so hidden answers are never kept.
  function update(block) {
    var name = block.getAttribute("data-show-if");
    var wanted = block.getAttribute("data-show-values").split(" ");
    var controller = document.getElementById("block-" + name.slice(2));
    var shown = !controller || !controller.hidden;
    var inputs = document.querySelectorAll('input[name="' + name + '"]');
    // answered on an earlier page: the server has already decided
    if (!inputs.length) { return; }
    var match = false;
    inputs.forEach(function (input) {
      if (input.checked && wanted.indexOf(input.value) !== -1) { match = true; }
    });
    block.hidden = !(shown && match);
  }
  function updateAll() {
    document.querySelectorAll("[data-show-if]").forEach(update);
    // tell the server which questions the prospect has now seen
    var shown = document.getElementById("shown-questions");
    if (shown) {
      var ids = [];
      document.querySelectorAll(".question[id^='block-']").forEach(function (block) {
        if (!block.hidden) { ids.push(block.id.slice(6)); }
      });
      shown.value = ids.join(" ");
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("q_") === 0) { updateAll(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-show-if]")) { updateAll(); }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
  // a page reached at a #fragment scrolls there after the content loaded, and the
  // focus goes back to the page: give it to the errors again
  window.addEventListener("load", function () {
    var summary = document.getElementById("error-summary");
    if (summary && location.hash && document.activeElement !== summary) { summary.focus(); }
  });

  // Copy buttons (resume link).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value); }
    button.textContent = "Copied";
  });

  // Settings: the brand colour's hex beside its colour picker, as it changes.
  document.addEventListener("input", function (event) {
    if (event.target.type !== "color") { return; }
    var shown = document.querySelector('output[for="' + event.target.id + '"]');
    if (shown) { shown.textContent = event.target.value; }
  });

  // Confirmation for destructive buttons.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
