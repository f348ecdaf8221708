// Small behaviours shared by every page (no inline scripts: the CSP allows 'self' only).
// Elements with data-confirm ask before submitting; htmx requests carry the CSRF header
// from <body hx-headers>.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
