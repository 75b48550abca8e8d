// Progressive enhancement only: the picker works without this file.
// 1. On a first visit (no ?tz= and no remembered zone), show times in the
//    browser's own zone. 2. Changing the zone list reloads the times at once.
(function () {
  var form = document.getElementById("tz-form");
  if (!form) return;
  var select = form.querySelector("select[name=tz]");
  var params = new URLSearchParams(window.location.search);
  var remembered = document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; });
  var detected;
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { detected = null; }
  // The server maps legacy names (Asia/Calcutta) to current ones and ignores unknown ones.
  if (!params.has("tz") && !remembered && detected && detected !== select.value) {
    params.set("tz", detected);
    window.location.replace(window.location.pathname + "?" + params.toString());
    return;
  }
  select.addEventListener("change", function () { form.submit(); });
})();
