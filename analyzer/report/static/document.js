/* hds-analyzer contract review page: filters, search, navigation and reviewer decisions.
   Reads its data from the JSON block #report-data; writes page content only via textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var STORE = data.doc.storage;
  var REVIEWER = "hds-analyzer:reviewer";
  var stored = data.stored || {};
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var segs = Array.prototype.slice.call(document.querySelectorAll("#text .seg"));
  var search = document.getElementById("search");
  var onlyTagged = document.getElementById("only-tagged");
  var countEl = document.getElementById("filter-count");
  var progressEl = document.getElementById("review-progress");
  var reviewerEl = document.getElementById("reviewer");
  var MSG = data.messages || {};
  function t(key, values) {
    var text = MSG[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  /* ---------- storage ---------- */
  function readLocal(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }
  function writeLocal(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  var local = readLocal(STORE, {});
  if (!local || typeof local !== "object") { local = {}; }
  reviewerEl.value = readLocal(REVIEWER, "") || "";
  reviewerEl.addEventListener("input", function () { writeLocal(REVIEWER, reviewerEl.value); });

  function time(at) { var t = Date.parse(at || ""); return isNaN(t) ? 0 : t; }
  function current(key) {
    var l = local[key], s = stored[key];
    if (l && (!s || time(l.at) >= time(s.at))) { return l; }
    return s || null;
  }
  function fmtTime(at) {
    var t = Date.parse(at || "");
    if (isNaN(t)) { return ""; }
    var d = new Date(t);
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  /* ---------- review UI ---------- */
  function paint(article) {
    var key = article.getAttribute("data-key");
    var d = current(key);
    var decision = d && d.decision ? d.decision : "pending";
    article.classList.remove("rv-accept", "rv-reject", "rv-pending");
    article.classList.add("rv-" + decision);
    article.setAttribute("data-review", decision);
    var acc = article.querySelector('[data-action="accept"]');
    var rej = article.querySelector('[data-action="reject"]');
    acc.setAttribute("aria-pressed", decision === "accept" ? "true" : "false");
    rej.setAttribute("aria-pressed", decision === "reject" ? "true" : "false");
    var who = d ? (d.reviewer || t("js.unknown_reviewer")) : "";
    var word = decision === "accept" ? t("js.accepted") : decision === "reject" ? t("js.rejected") : (d && d.comment ? t("js.commented") : "");
    var when = d && d.at ? fmtTime(d.at) : "";
    article.querySelector('[data-role="badge"]').textContent = decision === "pending" ? "" : t("js.by", { word: word, who: who }) + (when ? " \u00b7 " + when : "");
    article.querySelector('[data-role="state"]').textContent = word ? t("js.by", { word: word, who: who }) + (when ? ", " + when : "") : t("js.pending");
    var box = article.querySelector('[data-role="comment"]');
    if (box && document.activeElement !== box) { box.value = d && d.comment ? d.comment : ""; }
    if (d && d.comment) { article.querySelector(".rv-comment").hidden = false; }
  }
  /* a decision needs a name: the first one without it asks for the name instead */
  function named() {
    if (reviewerEl.value.trim()) { return true; }
    progressEl.textContent = t("js.name_required");
    reviewerEl.setAttribute("aria-invalid", "true");
    reviewerEl.focus();
    return false;
  }
  reviewerEl.addEventListener("input", function () { reviewerEl.removeAttribute("aria-invalid"); });
  function record(article, changes) {
    if (!named()) { return; }
    var key = article.getAttribute("data-key");
    var prev = current(key) || {};
    local[key] = {
      decision: "decision" in changes ? changes.decision : (prev.decision || null),
      comment: "comment" in changes ? changes.comment : (prev.comment || ""),
      reviewer: reviewerEl.value.trim(),
      at: new Date().toISOString()
    };
    writeLocal(STORE, local);
    paint(article);
    progress();
    applyFilters();
  }
  function toggle(article, decision) {
    var d = current(article.getAttribute("data-key"));
    record(article, { decision: d && d.decision === decision ? null : decision });
  }
  function openComment(article) {
    var btn = article.querySelector('[data-action="comment"]');
    var box = article.querySelector(".rv-comment");
    box.hidden = false;
    btn.setAttribute("aria-expanded", "true");
    article.querySelector('[data-role="comment"]').focus();
  }
  findings.forEach(function (article) {
    article.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button[data-action]");
      if (!btn) { return; }
      var action = btn.getAttribute("data-action");
      if (action === "comment") {
        var box = article.querySelector(".rv-comment");
        if (box.hidden) { openComment(article); } else { box.hidden = true; btn.setAttribute("aria-expanded", "false"); }
      } else { toggle(article, action); }
    });
    var ta = article.querySelector('[data-role="comment"]');
    ta.addEventListener("change", function () { record(article, { comment: ta.value }); });
    article.addEventListener("mouseleave", function () { article.classList.remove("no-tip"); });
    article.addEventListener("focusout", function () { article.classList.remove("no-tip"); });
    paint(article);
  });
  function progress() {
    var n = { accept: 0, reject: 0, pending: 0 };
    findings.forEach(function (a) { n[a.getAttribute("data-review")] += 1; });
    progressEl.textContent = t("js.progress", { n: findings.length, accepted: n.accept, rejected: n.reject, pending: n.pending });
  }

  /* ---------- export ---------- */
  document.getElementById("export-btn").addEventListener("click", function () {
    var decisions = [];
    findings.forEach(function (a) {
      var key = a.getAttribute("data-key");
      var d = current(key);
      if (d && (d.decision || d.comment)) {
        decisions.push({ key: key, clause: a.id, decision: d.decision || null, comment: d.comment || "", reviewer: d.reviewer || "", at: d.at || "" });
      }
    });
    var payload = {
      schema: "hds-analyzer/review/1",
      document: { path: data.doc.path, sha256: data.doc.sha256 },
      exported_at: new Date().toISOString(),
      reviewer: reviewerEl.value.trim(),
      decisions: decisions
    };
    var blob = new Blob([JSON.stringify(payload, null, 2) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = data.doc.export_name;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  document.getElementById("clear-btn").addEventListener("click", function () {
    var unsaved = Object.keys(local).length;
    if (!unsaved || !window.confirm(t("js.confirm_clear", { n: unsaved }))) { return; }
    local = {};
    try { window.localStorage.removeItem(STORE); } catch (e) { /* ignore */ }
    findings.forEach(paint);
    progress();
    applyFilters();
  });

  /* ---------- filters and search ---------- */
  function norm(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " "); }
  var textCache = new Map();
  function textOf(el) {
    if (!textCache.has(el)) {
      var body = el.querySelector(".ctext") || el;
      textCache.set(el, norm(body.textContent));
    }
    return textCache.get(el);
  }
  function checked(name) {
    var set = new Set();
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { if (i.checked) { set.add(i.value); } });
    return set;
  }
  function any(list, set) {
    var items = (list || "").split(" ").filter(Boolean);
    if (!items.length) { return true; }
    return items.some(function (x) { return set.has(x); });
  }
  function applyFilters() {
    var q = norm(search.value.trim());
    var cats = checked("cat"), maps = checked("map"), sts = checked("status"), rvs = checked("review");
    var tagged = onlyTagged.checked;
    var shown = 0, matches = 0;
    segs.forEach(function (el) {
      var show;
      if (el.classList.contains("finding")) {
        show = any(el.getAttribute("data-cats"), cats) && any(el.getAttribute("data-map"), maps) &&
          sts.has(el.getAttribute("data-status")) && rvs.has(el.getAttribute("data-review"));
      } else if (el.classList.contains("heading") || el.classList.contains("page-mark")) {
        show = !tagged && !q;
      } else {
        show = !tagged;
      }
      if (show && q && !el.classList.contains("heading") && !el.classList.contains("page-mark")) {
        show = textOf(el).indexOf(q) !== -1;
        if (show) { matches += 1; }
      }
      el.hidden = !show;
      if (show && el.classList.contains("finding")) { shown += 1; }
    });
    var msg = t("js.showing", { shown: shown, total: findings.length });
    if (q) { msg += t("js.matches", { n: matches, q: search.value.trim() }); }
    countEl.textContent = msg;
  }
  function resetFilters() {
    search.value = "";
    onlyTagged.checked = false;
    document.querySelectorAll('#filters input[type="checkbox"][name]').forEach(function (i) { i.checked = true; });
    applyFilters();
  }
  document.getElementById("filters").addEventListener("change", applyFilters);
  search.addEventListener("input", applyFilters);
  document.getElementById("reset-btn").addEventListener("click", resetFilters);

  /* ---------- navigation ---------- */
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el || !el.classList.contains("seg")) { return; }
    if (el.hidden) { resetFilters(); }
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    el.classList.add("flash");
    window.setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest("a.jump");
    if (!a) { return; }
    var id = a.getAttribute("href").slice(1);
    ev.preventDefault();
    reveal(id);
    try { history.replaceState(null, "", "#" + id); } catch (e) { /* file:// in some browsers */ }
  });
  function visibleFindings() { return findings.filter(function (a) { return !a.hidden; }); }
  function step(dir) {
    var list = visibleFindings();
    if (!list.length) { return; }
    var here = document.activeElement ? document.activeElement.closest("article.finding") : null;
    var i = list.indexOf(here);
    var next = i === -1 ? (dir > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + dir));
    list[next].scrollIntoView({ block: "center" });
    list[next].focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    var article = document.activeElement ? document.activeElement.closest("article.finding") : null;
    if (ev.key === "Escape") {
      if (article) { article.classList.add("no-tip"); }
      return;
    }
    if (typing) { return; }
    if (ev.key === "j") { step(1); ev.preventDefault(); }
    else if (ev.key === "k") { step(-1); ev.preventDefault(); }
    else if (ev.key === "/") { search.focus(); ev.preventDefault(); }
    else if (article && ev.key === "a") { toggle(article, "accept"); ev.preventDefault(); }
    else if (article && ev.key === "r") { toggle(article, "reject"); ev.preventDefault(); }
    else if (article && ev.key === "c") { openComment(article); ev.preventDefault(); }
  });

  /* print: the model clauses and the list of present clauses are printed open */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("#verdict details:not([open])").forEach(function (d) {
      d.setAttribute("data-print-open", "");
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("#verdict details[data-print-open]").forEach(function (d) {
      d.removeAttribute("data-print-open");
      d.open = false;
    });
  });

  progress();
  applyFilters();
  if (location.hash.length > 1) { reveal(decodeURIComponent(location.hash.slice(1))); }
})();
