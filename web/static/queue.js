// Exception queue: keyboard (j/k move, a accept, o or Enter open, x select, / search), select-all,
// the count and total of the selection,
// and the live "remaining" of a manual match. Event delegation only, so it keeps working after
// htmx swaps parts of the page. No inline scripts: the CSP allows 'self' only.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function control(target) {
    var tag = target && target.tagName;
    return tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || (target && target.getAttribute && target.getAttribute("role") === "button");
  }

  // ---- the selection: count and total before a bulk accept -------------------------------
  function selection() {
    var out = document.getElementById("selection");
    if (!out) { return; }
    var boxes = document.querySelectorAll("input[form=bulk][name=item]:checked");
    var totals = {};
    boxes.forEach(function (box) {
      if (!box.dataset.amount) { return; }
      var cur = box.dataset.currency || "";
      var exp = (box.dataset.amount || "").split(".")[1];
      var digits = exp ? exp.length : 0;
      var t = totals[cur] || { minor: 0, digits: digits };
      t.minor += toMinor(box.dataset.amount || "0", t.digits);  // integers, never float money
      totals[cur] = t;
    });
    var parts = Object.keys(totals).sort().map(function (cur) {
      var t = totals[cur];
      var s = String(Math.abs(t.minor)).padStart(t.digits + 1, "0");
      var whole = t.digits ? s.slice(0, -t.digits) : s;
      whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      return cur + " " + whole + (t.digits ? "." + s.slice(-t.digits) : "");
    });
    var n = boxes.length;
    var text = n === 0 ? out.dataset.none : (n === 1 ? out.dataset.one : out.dataset.many);
    out.textContent = text.replace("{n}", String(n)).replace("{total}", parts.join(" + ") || "0");
    var button = document.getElementById("bulk-accept");
    if (button) { button.disabled = parts.length === 0; }
    document.querySelectorAll("#bulk button.needs-selection").forEach(function (b) { b.disabled = n === 0; });
  }

  // ---- the queue list -------------------------------------------------------------------
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-table tr.item")); }

  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
    all[index].classList.add("selected");
    all[index].setAttribute("aria-selected", "true");
    all[index].scrollIntoView({ block: "nearest" });
    current = index;
  }

  function selectedRow() { var all = rows(); return current >= 0 && current < all.length ? all[current] : null; }

  function acceptRow(row) {
    if (!row || !row.dataset.accept || !window.htmx) { return; }
    window.htmx.ajax("POST", row.dataset.accept, {
      source: row, target: row, swap: "outerHTML",
      values: { match_id: row.dataset.match, from: "list" }
    });
  }

  function acceptSuggestion() {
    var button = document.querySelector("#receipt .suggestion button.accept");
    if (button) { button.click(); }
  }

  function focusSearch() {
    var box = document.getElementById("invoice-search") || document.getElementById("queue-search");
    if (box) { box.focus(); box.select(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var inList = !!document.getElementById("queue-table");
    var row = selectedRow();
    switch (event.key) {
      case "j": if (inList) { select(current + 1); } break;
      case "k": if (inList) { select(current <= 0 ? 0 : current - 1); } break;
      // Enter opens the highlighted row only when focus is on no control: on a button, link or
      // checkbox it is that control's own Enter (e.g. submit "Accept selected suggestions").
      case "Enter": if (inList && row && !control(event.target)) { window.location.href = row.dataset.href; } else { return; } break;
      case "o": if (inList && row) { window.location.href = row.dataset.href; } else { return; } break;
      case "x": if (inList && row) { var box = row.querySelector("input[type=checkbox]"); if (box) { box.checked = !box.checked; selection(); } } break;
      case "a": if (inList) { acceptRow(row); } else { acceptSuggestion(); } break;
      case "/": focusSearch(); break;
      default: return;
    }
    event.preventDefault();
  });

  // Filters are folded away on a phone and open on a wide screen.
  var filtersBox = document.getElementById("filters-box");
  if (filtersBox && window.matchMedia("(min-width: 761px)").matches) { filtersBox.open = true; }

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      document.querySelectorAll("input[form=bulk][name=item]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.id === "select-all" || (event.target.name === "item" && event.target.getAttribute("form") === "bulk")) {
      selection();
    }
  });

  // ---- manual match: rows and the live remaining -------------------------------------------
  function toMinor(text, exp) {
    var clean = String(text || "").replace(/,/g, "").trim();
    if (clean === "") { return 0; }
    var m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(clean);
    if (!m || (m[3] || "").length > exp) { return NaN; }
    var frac = (m[3] || "") + "0".repeat(exp - (m[3] || "").length);
    var value = parseInt((m[2] || "0") + frac, 10);
    return m[1] ? -value : value;
  }

  function fromMinor(minor, exp) {
    var sign = minor < 0 ? "-" : "";
    var digits = String(Math.abs(minor));
    if (exp === 0) { return sign + digits; }
    digits = digits.padStart(exp + 1, "0");
    return sign + digits.slice(0, -exp) + "." + digits.slice(-exp);
  }

  function recalc(form) {
    if (!form) { return; }
    var exp = parseInt(form.dataset.exp, 10);
    var remaining = toMinor(form.dataset.unapplied, exp);
    var short = 0;
    var bad = false;
    form.querySelectorAll("#alloc-rows tr").forEach(function (tr) {
      var amount = toMinor(tr.querySelector("input[name=amount]").value, exp);
      if (isNaN(amount)) { bad = true; return; }
      remaining -= amount;
      short += Math.max(0, parseInt(tr.dataset.openMinor, 10) - amount);
    });
    var out = document.getElementById("remaining");
    out.textContent = bad ? "?" : fromMinor(remaining, exp);
    out.classList.toggle("over", bad || remaining < 0);
    document.getElementById("shortfall").textContent = fromMinor(short, exp);
  }

  function addInvoice(button) {
    var form = document.getElementById("match-form");
    if (!form || form.querySelector("input[name=invoice_id][value='" + button.dataset.invoiceId + "']")) { return; }
    var exp = parseInt(form.dataset.exp, 10);
    var open = toMinor(button.dataset.open, exp);
    recalc(form);
    var left = toMinor(document.getElementById("remaining").textContent, exp);
    var amount = Math.max(0, Math.min(open, isNaN(left) ? open : left));
    var tr = document.createElement("tr");
    tr.dataset.openMinor = String(open);
    var cells = [document.createElement("td"), document.createElement("td"), document.createElement("td"), document.createElement("td")];
    cells[0].textContent = button.dataset.number;
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "invoice_id"; hidden.value = button.dataset.invoiceId;
    cells[0].appendChild(hidden);
    cells[1].className = "num"; cells[1].textContent = fromMinor(open, exp);
    var input = document.createElement("input");
    input.name = "amount"; input.size = 10; input.inputMode = "decimal"; input.className = "alloc-amount";
    input.value = fromMinor(amount, exp);
    input.setAttribute("aria-label", button.dataset.number);
    cells[2].appendChild(input);
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "link remove-row"; remove.textContent = "×";
    cells[3].appendChild(remove);
    cells.forEach(function (td) { tr.appendChild(td); });
    form.querySelector("#alloc-rows").appendChild(tr);
    recalc(form);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("button.add-invoice");
    if (add) { addInvoice(add); return; }
    var remove = event.target.closest && event.target.closest("button.remove-row");
    if (remove) { var form = remove.closest("form"); remove.closest("tr").remove(); recalc(form); }
  });

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("alloc-amount")) {
      recalc(event.target.closest("form"));
    }
  });
})();

// A failed htmx action (bad amount 400, refused 422, expired session 401, CSRF 400, 403, 5xx,
// no network) never fails silently: the server's message goes next to the form that was sent,
// and what was typed stays (nothing is swapped).
(function () {
  "use strict";
  function messageOf(xhr) {
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var p = doc.querySelector("main .card p") || doc.querySelector("main p");
      if (p && p.textContent.trim()) { return p.textContent.trim(); }
    } catch (e) { /* fall through */ }
    return "HTTP " + xhr.status;
  }
  function show(elt, text) {
    var form = elt && elt.closest ? (elt.closest("form") || elt) : null;
    if (!form || !form.parentNode) { return; }
    var slot = form.previousElementSibling;
    if (!slot || !slot.classList.contains("action-error")) {
      slot = document.createElement("p");
      slot.className = "flash error action-error";
      slot.setAttribute("role", "alert");
      form.parentNode.insertBefore(slot, form);
    }
    slot.textContent = text;
  }
  document.addEventListener("htmx:responseError", function (event) {
    if (document.getElementById("triage")) { return; }  // the triage screen has its own
    show(event.detail.elt, messageOf(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (document.getElementById("triage")) { return; }
    show(event.detail.elt, "No connection to the server. Nothing was changed.");
  });
})();
