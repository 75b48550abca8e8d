// "Leave this page quickly", on every client page. Without JavaScript it is a plain
// link to /leave/, which ends the session and sends a weather page. With it, the
// link and the Escape key hide this page at once and replace it in the history,
// so Back does not return to it; the pages behind it ask for the email link again.
(function () {
  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.documentElement.classList.add("leaving");
    document.title = "Weather";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && !event.isComposing) {
      leave(event);
    }
  });
})();
