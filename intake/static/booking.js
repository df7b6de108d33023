// The slot picker's time zone: the browser's own, when the page was not asked for one
// (without JavaScript the practice's zone is shown and the select changes it).
(function () {
  "use strict";
  var select = document.getElementById("tz");
  if (!select) { return; }
  select.addEventListener("change", function () { select.form.submit(); });
  if (select.getAttribute("data-chosen") === "1") { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === select.value) { return; }
  for (var i = 0; i < select.options.length; i += 1) {
    if (select.options[i].value === zone) {
      select.value = zone;
      select.form.submit();
      return;
    }
  }
}());
