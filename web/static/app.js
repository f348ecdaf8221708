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

// A table marked "cards" becomes one card per row on a phone (style.css); a cell without its
// own data-label takes its column's heading, so a template only marks the table.
function labelCards(root) {
  (root || document).querySelectorAll("table.cards").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (!cell.hasAttribute("data-label") && heads[i]) {
          cell.setAttribute("data-label", heads[i]);
        }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCards(); });
document.addEventListener("htmx:afterSwap", function (event) { labelCards(event.target); });
