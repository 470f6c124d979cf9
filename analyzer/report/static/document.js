/* hds-analyzer contract review page: filters, search, navigation and reviewer decisions.
   Reads its data from the JSON block #report-data; writes page content only via textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var STORE = data.doc.storage;
  var REVIEWER = "hds-analyzer:reviewer";
  var stored = data.stored || {};
  var storedAdded = (data.review || {}).added || {};
  var storedCk = (data.review || {}).checklist || {};
  var FIX_KINDS = ["category", "status", "target"];
  var fixTpl = document.getElementById("rv-fix-tpl");
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
  function readObject(key) {
    var value = readLocal(key, {});
    return value && typeof value === "object" ? value : {};
  }
  var local = readObject(STORE);
  var localAdded = readObject(STORE + ":added");
  var localCk = readObject(STORE + ":checklist");
  reviewerEl.value = readLocal(REVIEWER, "") || "";
  reviewerEl.addEventListener("input", function () { writeLocal(REVIEWER, reviewerEl.value); });

  function time(at) { var t = Date.parse(at || ""); return isNaN(t) ? 0 : t; }
  function newer(l, s) {
    if (l && (!s || time(l.at) >= time(s.at))) { return l; }
    return s || null;
  }
  function current(key) { return newer(local[key], stored[key]); }
  function now() { return new Date().toISOString(); }
  /* labels of the correction choices: the options the template rendered from the taxonomy */
  function optionLabel(kind, value) {
    var opt = fixTpl.content.querySelector('select[data-field="' + kind + '"] option[value="' + value + '"]');
    return opt ? opt.textContent : value;
  }
  function hasFix(c) { return !!c && FIX_KINDS.some(function (k) { return !!c[k]; }); }
  function fixText(c) {
    return FIX_KINDS.filter(function (k) { return c && c[k]; }).map(function (k) {
      return t("review.fix." + k, { value: optionLabel(k, c[k]) });
    }).join(" \u00b7 ");
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
    var fixed = d && hasFix(d.correction);
    var word = decision === "accept" ? t("js.accepted") : decision === "reject" ? t("js.rejected") :
      fixed ? t("review.js.corrected") : (d && d.comment ? t("js.commented") : "");
    var when = d && d.at ? fmtTime(d.at) : "";
    article.querySelector('[data-role="badge"]').textContent = decision === "pending" && !fixed ? "" : t("js.by", { word: word, who: who }) + (when ? " \u00b7 " + when : "");
    var fixEl = article.querySelector('[data-role="fix"]');
    fixEl.textContent = fixed ? t("review.fix.lead") + " " + fixText(d.correction) : "";
    fixEl.hidden = !fixed;
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
      correction: "correction" in changes ? changes.correction : (prev.correction || null),
      reviewer: reviewerEl.value.trim(),
      at: now()
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
      } else if (action === "correct") {
        toggleFix(article, btn);
      } else { toggle(article, action); }
    });
    var ta = article.querySelector('[data-role="comment"]');
    ta.addEventListener("change", function () { record(article, { comment: ta.value }); });
    article.addEventListener("mouseleave", function () { article.classList.remove("no-tip"); });
    article.addEventListener("focusout", function () { article.classList.remove("no-tip"); });
    paint(article);
  });
  /* ---------- corrections: category, status, target of a finding ---------- */
  function fixFields(panel, c) {
    FIX_KINDS.forEach(function (k) { panel.querySelector('select[data-field="' + k + '"]').value = (c && c[k]) || ""; });
  }
  function toggleFix(article, btn) {
    var panel = article.querySelector(".rv-fix");
    if (!panel.firstElementChild) {
      panel.appendChild(fixTpl.content.cloneNode(true));
      panel.addEventListener("change", function () {
        var d = current(article.getAttribute("data-key"));
        if (!named()) { fixFields(panel, d && d.correction); return; }
        var c = {};
        FIX_KINDS.forEach(function (k) { c[k] = panel.querySelector('select[data-field="' + k + '"]').value; });
        record(article, { correction: hasFix(c) ? c : null });
      });
    }
    var opening = panel.hidden;
    if (opening) {
      var d = current(article.getAttribute("data-key"));
      fixFields(panel, d && d.correction);
    }
    panel.hidden = !opening;
    btn.setAttribute("aria-expanded", opening ? "true" : "false");
    if (opening) { panel.querySelector("select").focus(); }
  }

  /* ---------- clauses the tool missed: a selected passage of any clause ---------- */
  var addExcerpt = document.getElementById("add-excerpt");
  var addBtn = document.getElementById("add-btn");
  var addBox = document.getElementById("add-box");
  var pending = null;
  function cp(s) { return Array.from(s).length; }
  function elementOf(node) { return node.nodeType === 1 ? node : node.parentElement; }
  function refOf(seg) { return seg.getAttribute("data-ref") || seg.id; }
  function selectionInClause() {
    var sel = window.getSelection();
    if (!sel || !sel.rangeCount || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    var el = elementOf(range.startContainer);
    var ctext = el && el.closest(".seg .ctext");
    if (!ctext || !ctext.contains(range.endContainer)) { return null; }
    var seg = ctext.closest(".seg");
    if (!seg.getAttribute("data-key")) { return null; }
    var excerpt = range.toString();
    if (!excerpt.trim()) { return null; }
    if (ctext.querySelector(".ctl")) { return { bad: true }; }
    var before = document.createRange();
    before.selectNodeContents(ctext);
    before.setEnd(range.startContainer, range.startOffset);
    var start = cp(before.toString());
    var end = start + cp(excerpt);
    if (Array.from(ctext.textContent).slice(start, end).join("") !== excerpt) { return null; }
    return { seg: seg, key: seg.getAttribute("data-key"), clause: seg.id, start: start, end: end, excerpt: excerpt };
  }
  function short(s) { s = s.replace(/\s+/g, " ").trim(); return s.length > 140 ? s.slice(0, 139) + "\u2026" : s; }
  document.addEventListener("selectionchange", function () {
    var found = selectionInClause();
    if (!found) { return; }
    if (found.bad) {
      pending = null;
      addExcerpt.textContent = t("review.js.bad_selection");
    } else {
      pending = found;
      addExcerpt.textContent = t("review.js.selected", { ref: refOf(found.seg), excerpt: short(found.excerpt) });
    }
    addBtn.disabled = !pending;
  });
  function addedAll() {
    var out = {};
    Object.keys(storedAdded).concat(Object.keys(localAdded)).forEach(function (id) {
      var a = newer(localAdded[id], storedAdded[id]);
      if (a) { out[id] = a; }
    });
    return out;
  }
  function renderAdded() {
    var all = addedAll();
    document.querySelectorAll("#text .seg[data-key]").forEach(function (seg) {
      var ul = seg.querySelector('[data-role="added"]');
      if (!ul) { return; }
      var key = seg.getAttribute("data-key");
      var ids = Object.keys(all).filter(function (id) {
        var a = all[id];
        return a.clause === seg.id && a.key === key && !a.withdrawn;
      }).sort(function (x, y) { return all[x].start - all[y].start; });
      ul.textContent = "";
      ids.forEach(function (id) {
        var a = all[id];
        var li = document.createElement("li");
        li.className = "rv-add-item cat-" + a.category;
        var lead = document.createElement("span");
        lead.className = "rv-add-lead";
        lead.textContent = t("review.add.by", { who: a.reviewer || t("js.unknown_reviewer") });
        li.appendChild(lead);
        li.appendChild(document.createTextNode(" \u00ab" + a.excerpt + "\u00bb \u2014 " + fixText(a) + (a.comment ? " \u2014 " + a.comment : "") + " "));
        var rm = document.createElement("button");
        rm.type = "button";
        rm.className = "rv-btn secondary rv-withdraw";
        rm.textContent = t("review.js.withdraw");
        rm.setAttribute("aria-label", t("review.js.withdraw_label", { excerpt: short(a.excerpt) }));
        rm.addEventListener("click", function () {
          if (!named()) { return; }
          localAdded[id] = Object.assign({}, a, { withdrawn: true, reviewer: reviewerEl.value.trim(), at: now() });
          writeLocal(STORE + ":added", localAdded);
          renderAdded();
        });
        li.appendChild(rm);
        ul.appendChild(li);
      });
      ul.hidden = !ids.length;
    });
  }
  addBtn.addEventListener("click", function () {
    if (!pending || !named()) { return; }
    var a = { key: pending.key, clause: pending.clause, start: pending.start, end: pending.end, excerpt: pending.excerpt,
      comment: document.getElementById("add-comment").value, reviewer: reviewerEl.value.trim(), at: now() };
    FIX_KINDS.forEach(function (k) { a[k] = addBox.querySelector('select[data-field="' + k + '"]').value || null; });
    localAdded[a.key + "@" + a.start + "-" + a.end] = a;
    writeLocal(STORE + ":added", localAdded);
    renderAdded();
    addExcerpt.textContent = t("review.js.added_done", { ref: refOf(pending.seg) });
    document.getElementById("add-comment").value = "";
    pending = null;
    addBtn.disabled = true;
  });

  /* ---------- mandatory clauses set by the reviewer ---------- */
  var ckSets = Array.prototype.slice.call(document.querySelectorAll("fieldset.ckr"));
  function ckCurrent(item) { return newer(localCk[item], storedCk[item]); }
  function ckPaint(fs) {
    var d = ckCurrent(fs.getAttribute("data-item")) || {};
    var select = fs.querySelector('[data-role="ck-status"]');
    select.value = d.status || "";
    fs.querySelector('[data-role="ck-ref"]').value = d.clause_ref || "";
    fs.querySelector('[data-role="ck-comment"]').value = d.comment || "";
    var opt = select.options[select.selectedIndex];
    fs.querySelector('[data-role="ck-state"]').textContent = d.status ? t("review.ck_state", { status: opt.textContent, who: d.reviewer || t("js.unknown_reviewer") }) : "";
  }
  ckSets.forEach(function (fs) {
    fs.addEventListener("change", function () {
      if (!named()) { ckPaint(fs); return; }
      localCk[fs.getAttribute("data-item")] = {
        status: fs.querySelector('[data-role="ck-status"]').value || null,
        clause_ref: fs.querySelector('[data-role="ck-ref"]').value,
        comment: fs.querySelector('[data-role="ck-comment"]').value,
        reviewer: reviewerEl.value.trim(), at: now()
      };
      writeLocal(STORE + ":checklist", localCk);
      ckPaint(fs);
    });
    ckPaint(fs);
  });
  renderAdded();

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
      if (d && (d.decision || d.comment || hasFix(d.correction))) {
        var out = { key: key, clause: a.id, decision: d.decision || null, comment: d.comment || "", reviewer: d.reviewer || "", at: d.at || "" };
        if (hasFix(d.correction)) { out.correction = d.correction; }
        decisions.push(out);
      }
    });
    var all = addedAll();
    var added = Object.keys(all).sort().map(function (id) { return all[id]; });
    var checklist = [];
    ckSets.forEach(function (fs) {
      var item = fs.getAttribute("data-item");
      var d = ckCurrent(item);
      if (d) { checklist.push({ item: item, status: d.status || null, clause_ref: d.clause_ref || "", comment: d.comment || "", reviewer: d.reviewer || "", at: d.at || "" }); }
    });
    var payload = {
      schema: "hds-analyzer/review/1",
      document: { path: data.doc.path, sha256: data.doc.sha256 },
      exported_at: new Date().toISOString(),
      reviewer: reviewerEl.value.trim(),
      decisions: decisions,
      added: added,
      checklist: checklist
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
    var unsaved = Object.keys(local).length + Object.keys(localAdded).length + Object.keys(localCk).length;
    if (!unsaved || !window.confirm(t("js.confirm_clear", { n: unsaved }))) { return; }
    local = {};
    localAdded = {};
    localCk = {};
    try {
      [STORE, STORE + ":added", STORE + ":checklist"].forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (e) { /* ignore */ }
    findings.forEach(paint);
    ckSets.forEach(ckPaint);
    renderAdded();
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
    else if (article && ev.key === "e") { toggleFix(article, article.querySelector('[data-action="correct"]')); ev.preventDefault(); }
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
