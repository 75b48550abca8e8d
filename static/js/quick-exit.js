// "Leave this page quickly": the link works on its own, as a plain link to a
// neutral site. With JavaScript the page is hidden at once and replaced in the
// history, so pressing Back does not bring it back.
(function () {
  function leave(event) {
    event.preventDefault();
    document.documentElement.style.visibility = "hidden";
    document.title = "Weather";
    window.location.replace(event.currentTarget.href);
  }
  var links = document.querySelectorAll("[data-quick-exit]");
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener("click", leave);
  }
})();
