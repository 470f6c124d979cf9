"""A small, hand-made report (schema ``hds-analyzer/report/1``) to preview and test the renderers.

It exercises every visual state (all categories, every clause status, pages, OCR, warnings,
declared certificate and gaps) independently of the rules, and, with ``hostile=True``, carries
script-injection payloads in the contract text and the file name.

Preview: ``python -m tests.report.sample OUT_DIR`` writes ``sample.html`` and ``index.html``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

XSS_SCRIPT = "<script>window.__pwned = 1</script>"
XSS_IMG = '"><img src=x onerror="window.__pwned = 2">'
XSS_NAME = "<img src=x onerror=alert(1)>.pdf"

# (kind, number, text, page, tag) — tag: None or (categories, topics, mapping, status, party, hits)
# where hits are (rule, matched words); the words must occur in the text.
_SEGMENTS: list[tuple[str, str | None, str, int, Any]] = [
    ("heading", "1", "Article 1 - Objet", 1, None),
    ("clause", "1.1", "Le présent contrat définit les conditions dans lesquelles le Prestataire "
     "fournit au Client des services d'hébergement et d'infogérance.", 1, None),
    ("heading", "2", "Article 2 - Définitions", 1, None),
    ("clause", "2.1", "« Sauvegarde » désigne la copie des données du Client sur un support "
     "distinct.", 1,
     (["hosting"], ["hosting.backup"], ["A6"], "definition", "provider",
      [("fr.hosting.backup", "Sauvegarde")])),
    ("heading", "3", "Article 3 - Hébergement", 1, None),
    ("clause", "3.1", "Le Prestataire héberge les machines virtuelles du Client dans ses centres "
     "de données situés en France (Paris et Lyon).", 1,
     (["hosting"], ["hosting.virtual", "hosting.location"], ["A1", "A3"], "included", "provider",
      [("fr.hosting.virtual_machines", "machines virtuelles"),
       ("fr.hosting.datacenter", "centres de données"),
       ("fr.hosting.location_country", "France")])),
    ("clause", "3.2", "Le Prestataire réalise une sauvegarde quotidienne des données, conservée "
     "trente (30) jours.", 1,
     (["hosting"], ["hosting.backup"], ["A6"], "included", "provider",
      [("fr.hosting.backup_daily", "sauvegarde quotidienne")])),
    ("clause", "3.3", "La réplication vers un second site est fournie en option, sur demande du "
     "Client.", 2,
     (["hosting", "security"], ["hosting.backup", "security.continuity"], ["A6", "transversal"],
      "conditional", "provider",
      [("fr.hosting.replication", "réplication"), ("fr.security.continuity", "second site")])),
    ("heading", "4", "Article 4 - Exploitation et sécurité", 2, None),
    ("clause", "4.1", "Le Prestataire assure l'administration et l'exploitation des serveurs, "
     "la gestion des habilitations et la traçabilité des accès.", 2,
     (["maintenance", "security"], ["maintenance.operations", "security.access"], ["A5"],
      "included", "provider",
      [("fr.maintenance.administration", "administration et l'exploitation"),
       ("fr.security.access_rights", "habilitations"),
       ("fr.security.access_logs", "traçabilité des accès")])),
    ("clause", "4.2", "Les données sont chiffrées au repos. Le Prestataire est certifié "
     "ISO 27001.", 2,
     (["security"], ["security.data_protection", "security.governance"], ["transversal"],
      "included", "provider",
      [("fr.security.encryption", "chiffrées"), ("fr.security.iso27001", "ISO 27001")])),
    ("clause", "4.3", "La maintenance applicative (TMA) ne fait pas partie des prestations ; elle "
     "reste à la charge du Client.", 2,
     (["maintenance"], ["maintenance.application"], ["infogerance"], "excluded", "client",
      [("fr.maintenance.tma", "maintenance applicative")])),
    ("heading", "5", "Article 5 - Accompagnement", 2, None),
    ("clause", "5.1", "Le Prestataire forme les utilisateurs du Client et anime un comité de "
     "pilotage trimestriel.", 2,
     (["training", "project_management"], ["training.users", "project_management.governance"],
      ["infogerance"], "included", "provider",
      [("fr.training.users", "forme les utilisateurs"),
       ("fr.project_management.steering", "comité de pilotage")])),
    ("clause", "5.2", "Le support utilisateurs est joignable du lundi au vendredi.", 2,
     (["maintenance"], ["maintenance.support"], ["infogerance"], "included", "provider",
      [("fr.maintenance.support", "support utilisateurs")])),
    ("clause", None, "Fin du contrat.", 2, None),
]

_HOSTILE_SEGMENT = (
    "clause", "6.1",
    f"Clause piégée : {XSS_SCRIPT} puis {XSS_IMG} et javascript:alert(4) ; la sauvegarde "
    "est assurée. {{ 7*7 }} \u202eevil\u202c",
    2,
    (["hosting"], ["hosting.backup"], ["A6"], "included", "provider",
     [("fr.hosting.backup", "sauvegarde")]),
)


def sample_report(*, hostile: bool = False) -> dict[str, Any]:
    """Return a synthetic report dict with ``text`` and ``segments`` (see module docstring)."""
    rows = list(_SEGMENTS)
    if hostile:
        rows.insert(-1, ("heading", "6", f"Article 6 - {XSS_SCRIPT}", 2, None))
        rows.insert(-1, _HOSTILE_SEGMENT)
    text = ""
    segments: list[dict[str, Any]] = []
    clauses: list[dict[str, Any]] = []
    path: list[str] = []
    for n, (kind, number, body, page, tag) in enumerate(rows, start=1):
        if text:
            text += "\n\n"
        start = len(text)
        text += body
        seg_id = f"c{n:04d}"
        if kind == "heading":
            path = [body]
            heading_path: list[str] = []
        else:
            heading_path = list(path)
        segments.append({"id": seg_id, "number": number, "heading_path": heading_path,
                         "page": page, "start": start, "end": len(text), "kind": kind})
        if tag is None:
            continue
        categories, topics, mapping, status, party, hits = tag
        hit_dicts = []
        for rule, words in hits:
            at = body.index(words)
            hit_dicts.append({"rule": rule, "start": start + at, "end": start + at + len(words),
                              "text": words})
        hit_dicts.sort(key=lambda h: (h["start"], h["end"], h["rule"]))
        matched = ", ".join(f"{h['rule']} «{h['text']}»" for h in hit_dicts)
        clauses.append({
            "id": seg_id, "number": number, "heading_path": heading_path, "page": page,
            "start": start, "end": len(text), "text": body, "categories": categories,
            "topics": topics, "mapping": mapping, "status": status, "party": party,
            "hits": hit_dicts,
            "explanation": f"Matched {matched}; topics {', '.join(topics)} → {', '.join(mapping)}",
        })
    coverage: dict[str, list[str]] = {t: [] for t in
                                      ("A1", "A2", "A3", "A4", "A5", "A6", "infogerance",
                                       "transversal")}
    for c in clauses:
        if c["status"] in ("included", "conditional"):
            for t in c["mapping"]:
                coverage[t].append(c["id"])
    by_number = {c["number"]: c["id"] for c in clauses}
    checklist = [
        {"id": "r1111_11_1_certificate", "status": "present", "clauses": [by_number["4.2"]]},
        {"id": "r1111_11_2_services", "status": "present", "clauses": [by_number["3.1"]]},
        {"id": "r1111_11_3_locations", "status": "present", "clauses": [by_number["3.1"]]},
        {"id": "r1111_11_4_rights", "status": "missing", "clauses": []},
        {"id": "r1111_11_5_referent", "status": "missing", "clauses": []},
        {"id": "r1111_11_6_sla", "status": "missing", "clauses": []},
        {"id": "r1111_11_7_subcontractors", "status": "missing", "clauses": []},
        {"id": "r1111_11_8_access", "status": "present", "clauses": [by_number["4.1"]]},
        {"id": "r1111_11_9_changes", "status": "missing", "clauses": []},
        {"id": "r1111_11_10_failure", "status": "missing", "clauses": []},
        {"id": "r1111_11_11_end", "status": "missing", "clauses": []},
        {"id": "r1111_11_13_return", "status": "excluded", "clauses": [by_number["4.3"]]},
        {"id": "l1111_8_destruction", "status": "missing", "clauses": []},
        {"id": "hds2_eea_storage", "status": "present", "clauses": [by_number["3.1"]]},
        {"id": "hds2_third_country_access", "status": "missing", "clauses": []},
    ]
    return {
        "schema": "hds-analyzer/report/1",
        "document": {
            "path": f"contrats/{XSS_NAME}" if hostile else "contrats/exemple-hebergement.pdf",
            "sha256": ("ab" if hostile else "cd") * 32, "format": "pdf", "language": "fr",
            "pages": 2, "ocr_pages": [2],
            "warnings": ["page 2: text recognised by OCR, check the wording"],
            "rules_version": "sample",
        },
        "clauses": clauses,
        "coverage": coverage,
        "certificates_required": ["infogereur", "infrastructure_physique"],
        "declared_certificate": {
            "activities": ["A3", "A5", "A6"], "scopes": ["infogereur"], "number": "HDS-2024-117",
            "body": "Organisme <Certif>", "issued": "2024-06-01", "valid_until": "2027-05-31",
            "clauses": [by_number["4.2"]]},
        "certificate_gaps": [f"A1 (infrastructure_physique): performed in clauses "
                             f"{by_number['3.1']} but outside the declared certificate scope "
                             f"(A3, A5, A6)"],
        "checklist": checklist,
        "facts": {"hosting_locations": ["France"], "availability_percent": [99.9],
                  "backup_retention_days": [30], "hosting_locations_outside_eea": []},
        "segments": segments,
        "text": text,
    }


def sample_entries(report: dict[str, Any], name: str = "sample") -> list[dict[str, Any]]:
    """Batch index entries for the sample report plus a skipped and a failed input."""
    return [
        {"path": report["document"]["path"], "name": name, "status": "ok", "reason": "",
         "language": report["document"]["language"],
         "certificates_required": report["certificates_required"],
         "coverage": {t: len(ids) for t, ids in report["coverage"].items()},
         "checklist_missing": [c["id"] for c in report["checklist"] if c["status"] != "present"],
         "warnings": report["document"]["warnings"], "clauses": len(report["clauses"]),
         "html": f"{name}.html", "json": f"{name}.json"},
        {"path": "contrats/notes.xls", "name": "contrats__notes.xls", "status": "skipped",
         "reason": "not a supported file type (.pdf, .docx, .txt, .md)"},
        {"path": "contrats/<b>chiffré</b>.pdf", "name": "x", "status": "encrypted",
         "reason": "PDF is password-protected", "language": None, "certificates_required": [],
         "coverage": {}, "checklist_missing": [], "warnings": [], "clauses": 0,
         "html": None, "json": None, "engine_extra": {"elapsed": 0.2}},
    ]


def main(argv: list[str] | None = None) -> int:
    """Write the sample report, its Word memo, an English copy and an index to the folder given
    as the only argument (set HDS_ANALYZER_REFERENCE_DATE to see the expiry verdict)."""
    from analyzer.output import atomic_write_bytes, atomic_write_text, dump_json
    from analyzer.report.html import render_document, render_index
    from analyzer.report.i18n import ReportOptions, resolve
    from analyzer.report.memo import render_memo

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.report.sample OUT_DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    report = sample_report(hostile=True)
    atomic_write_text(out / "sample.json", dump_json(report))
    atomic_write_text(out / "sample.html", render_document(report))
    atomic_write_bytes(out / "sample.docx", render_memo(report))
    english = ReportOptions("en", resolve().reference_date)
    atomic_write_text(out / "sample-en.html", render_document(report, options=english))
    atomic_write_text(out / "index.html", render_index(sample_entries(report),
                                                       {report["document"]["path"]: report}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
