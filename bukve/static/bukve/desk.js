// The desk's scan fields have `autofocus`, but Chromium ignores it on an address with a
// fragment (/desk/members/5/#account), and going to the fragment moves the focus to the
// page: the cursor would be in no field and the next scan lost. So, once the page has gone
// to its fragment, put the cursor in the page's scan field, without scrolling away.
// Without JavaScript the desk still works: after a scan it goes to an address without one.
window.addEventListener("load", function () {
  var field = document.querySelector("input[autofocus]");
  var idle = !document.activeElement || document.activeElement === document.body;
  if (field && idle && window.location.hash) {
    field.focus({ preventScroll: true });
  }
});

// A spine label's print button (the label page shows nothing else on paper).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
