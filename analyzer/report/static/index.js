/* hds-analyzer batch index: sort by any column, filter rows. Reads only its messages (#index-data). */
(function () {
  "use strict";
  var table = document.getElementById("table");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows).filter(function (r) { return r.hasAttribute("data-group"); });
  var q = document.getElementById("q");
  var fStatus = document.getElementById("f-status");
  var fTarget = document.getElementById("f-target");
  var fGaps = document.getElementById("f-gaps");
  var fWarn = document.getElementById("f-warn");
  var fCert = document.getElementById("f-cert");
  var countEl = document.getElementById("row-count");
  var MSG = JSON.parse(document.getElementById("index-data").textContent).messages || {};
  function t(key, values) {
    var text = MSG[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  function norm(s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function value(row, col) { var c = row.cells[col]; return c ? c.getAttribute("data-v") || "" : ""; }

  function sortBy(col, type, dir) {
    var sorted = rows.slice().sort(function (a, b) {
      var x = value(a, col), y = value(b, col), r;
      if (type === "num") { r = (parseFloat(x) || 0) - (parseFloat(y) || 0); }
      else { r = x.localeCompare(y, undefined, { sensitivity: "base", numeric: true }); }
      if (r === 0) { r = value(a, 0).localeCompare(value(b, 0)); }
      return dir === "ascending" ? r : -r;
    });
    sorted.forEach(function (r) { tbody.appendChild(r); });
  }
  table.tHead.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-sort]");
    if (!btn) { return; }
    var th = btn.parentNode;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.tHead.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    sortBy(parseInt(btn.getAttribute("data-sort"), 10), btn.getAttribute("data-type"), dir);
  });

  function apply() {
    var text = norm(q.value.trim());
    var shown = 0;
    rows.forEach(function (r) {
      var ok = true;
      if (fStatus.value && r.getAttribute("data-group") !== fStatus.value) { ok = false; }
      var covered = (r.getAttribute("data-covered") || "").split(" ").filter(Boolean);
      if (ok && fTarget.value === "none") {
        ok = r.getAttribute("data-group") === "ok" && !covered.some(function (t) { return /^A[1-6]$/.test(t); });
      } else if (ok && fTarget.value) { ok = covered.indexOf(fTarget.value) !== -1; }
      if (ok && fGaps.checked) { ok = parseInt(r.getAttribute("data-gaps"), 10) > 0; }
      if (ok && fCert.checked) { ok = r.getAttribute("data-cert-gap") === "1"; }
      if (ok && fWarn.checked) { ok = parseInt(r.getAttribute("data-warnings"), 10) > 0; }
      if (ok && text) { ok = norm(r.textContent).indexOf(text) !== -1; }
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    countEl.textContent = t("jsindex.shown", { shown: shown, total: rows.length });
  }
  document.getElementById("filters").addEventListener("change", apply);
  q.addEventListener("input", apply);
  apply();
})();
