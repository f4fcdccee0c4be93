// "In biên nhận": a button with data-print prints the page (no inline handler: the CSP allows only
// scripts from the portal's own files).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) { window.print(); }
});
