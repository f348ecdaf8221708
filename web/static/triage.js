// Triage screen: a key for every action shown on screen (the buttons carry data-key), "?" for
// the list of keys, and errors that never vanish: a failed htmx request (validation 422 is
// swapped in by the server with the message beside the form; 401 expired session, 400 CSRF,
// 403, 5xx, no network) shows a message next to the form that was sent, and what was typed
// stays. Keys are ignored while typing in a field, so Enter always submits the field's own
// form and is never taken over. No inline scripts: the CSP allows 'self' only.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function activate(el) {
    if (el.tagName === "SUMMARY") {
      var box = el.parentElement;
      var hasFields = !!box.querySelector("input:not([type=hidden]), select");
      box.open = hasFields ? true : !box.open;  // a form opens (and stays open); details toggle
      if (box.open) { var field = box.querySelector("input:not([type=hidden]), select"); if (field) { field.focus(); field.select && field.select(); } }
      return;
    }
    el.click();
  }

  function openKeys() { var dialog = document.getElementById("keys"); if (dialog && !dialog.open) { dialog.showModal(); } }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target) || !document.getElementById("triage")) { return; }
    var dialog = document.getElementById("keys");
    if (dialog && dialog.open) { return; }
    if (event.key === "?") { openKeys(); event.preventDefault(); return; }
    var el = document.querySelector("#triage [data-key='" + event.key.replace(/'/g, "") + "']");
    if (!el || el.disabled) { return; }
    event.preventDefault();
    activate(el);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#keys-open")) { openKeys(); return; }
    var pick = event.target.closest && event.target.closest("button.pick");
    if (pick) {
      var form = pick.closest("form");
      form.querySelector("[name=invoice_no]").value = pick.dataset.invoice;
      var amount = form.querySelector("[name=amount]");
      amount.focus();
      amount.select();
    }
  });

  // ---- errors that stay visible --------------------------------------------------------------
  function message(status, text) {
    var root = document.getElementById("triage");
    var data = root ? root.dataset : {};
    if (status === 0) { return data.msgOffline; }
    if (status === 401) { return data.msgSession; }
    if (status === 400 && /csrf/i.test(text || "")) { return data.msgCsrf; }
    if (status === 403) { return data.msgForbidden; }
    return (data.msgFailed || "").replace("{code}", String(status));
  }

  function show(source, status, text) {
    var form = source && source.closest ? source.closest("form") : null;
    var slot = form && form.querySelector(".js-error");
    var words = message(status, text);
    if (!slot) {
      var area = document.getElementById("triage-notice");
      if (!area) { return; }
      slot = document.createElement("p");
      slot.className = "flash error";
      slot.setAttribute("role", "alert");
      area.replaceChildren(slot);
    }
    slot.textContent = words;
    slot.hidden = false;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 422 || xhr.status === 404) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    show(event.detail.elt, xhr.status, xhr.responseText);
  });
  document.addEventListener("htmx:sendError", function (event) { show(event.detail.elt, 0, ""); });
  // After a swap, focus goes to the field that needs fixing, else to the new item itself (htmx
  // would put it back into the field with the same id, where the next key press would type).
  document.addEventListener("htmx:afterSwap", function () {
    var root = document.getElementById("triage");
    if (!root) { return; }
    // a message from the page load belongs to an earlier item: the notice area speaks now
    document.querySelectorAll("main > p.flash").forEach(function (p) { p.remove(); });
    var bad = root.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); return; }
    root.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
})();
