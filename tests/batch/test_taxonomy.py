"""A scan with ``--patterns`` shows the titles of that rule directory's taxonomy in every
output the batch renders (document page, index, findings.xlsx, Word memo), also after
``report OUT``:
the renderers are given the run's taxonomy instead of falling back to the shipped one."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from analyzer.cli import cli
from tests.paths import REPO

ROOT = REPO
SAMPLE = ROOT / "samples" / "contracts" / "fr-hebergement-certificat-expire.txt"
# (shipped French title, the custom one), each a whole title of patterns/taxonomy.yaml
RENAMED = {
    "target": ('fr: "Sauvegarde des données de santé"', "Sauvegarde maison des données"),
    "category": ('title: {fr: "Hébergement", en: "Hosting"}', "Hébergement maison"),
    "checklist": ('fr: "Lieux d\'hébergement", en: "Hosting locations"}\n    reference',
                  "Adresses maison des centres"),
}


def _custom_rules(tmp_path: Path, patterns_dir: Path) -> Path:
    """A copy of the shipped rules whose taxonomy titles differ (ids unchanged)."""
    rules = tmp_path / "rules"
    shutil.copytree(patterns_dir, rules)
    taxonomy = rules / "taxonomy.yaml"
    text = taxonomy.read_text("utf-8")
    for shipped, custom in RENAMED.values():
        assert text.count(shipped) == 1, shipped
        old_title = shipped.split('"')[1]
        text = text.replace(shipped, shipped.replace(f'"{old_title}"', f'"{custom}"'))
    taxonomy.write_text(text, "utf-8")
    return rules


def _sheets(path: Path) -> list[list[tuple[object, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:  # a read-only workbook keeps its file open until closed
        return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _text(rows: list[tuple[object, ...]]) -> str:
    return "\n".join(str(cell) for row in rows for cell in row if cell is not None).lower()


def _assert_custom_titles(out: Path) -> None:
    """Titles are compared in lower case: a target's title reads "activité 6 (sauvegarde …)"."""
    page = (out / f"{SAMPLE.name}.html").read_text("utf-8").lower()
    index = (out / "index.html").read_text("utf-8").lower()
    findings, _contracts, checklist = _sheets(out / "findings.xlsx")
    target, category, item = (RENAMED[k][1].lower() for k in ("target", "category", "checklist"))
    # the document page (its own text quotes the shipped title): filter bar and verdicts
    assert category in page and target in page
    # the index: per-activity chart titles
    assert target in index and "sauvegarde des données de santé" not in index
    # the workbook: the Findings sheet's categories, the Checklist sheet's item titles
    assert category in _text(findings[1:])
    header = [str(c).lower() for c in checklist[0]]
    assert item in header and "lieux d'hébergement" not in header


def _scan_with_custom_rules(tmp_path: Path, patterns_dir: Path, formats: str) -> Path:
    """OUT of a scan of the sample with a copy of the rules whose titles differ."""
    rules = _custom_rules(tmp_path, patterns_dir)
    out = tmp_path / "out"
    scanned = CliRunner().invoke(cli, ["scan", str(SAMPLE), "-o", str(out), "--patterns",
                                       str(rules), "-j", "1", "-q", "--format", formats,
                                       "--reference-date", "2026-12-01"])
    assert scanned.exit_code == 0, scanned.output
    return out


def test_patterns_taxonomy_titles_in_page_index_and_workbook(tmp_path: Path,
                                                             patterns_dir: Path) -> None:
    out = _scan_with_custom_rules(tmp_path, patterns_dir, "html,json,xlsx")
    runner = CliRunner()
    _assert_custom_titles(out)
    # report OUT rebuilds everything from the store with the rules its last scan used
    for name in (f"{SAMPLE.name}.html", "index.html", "findings.xlsx"):
        (out / name).unlink()
    rebuilt = runner.invoke(cli, ["report", str(out), "--format", "html,json,xlsx"])
    assert rebuilt.exit_code == 0, rebuilt.output
    _assert_custom_titles(out)


def test_shipped_rules_keep_the_shipped_titles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scanned = CliRunner().invoke(cli, ["scan", str(SAMPLE), "-o", str(out), "-j", "1", "-q",
                                       "--format", "html,json,xlsx"])
    assert scanned.exit_code == 0, scanned.output
    assert "sauvegarde des données de santé" in (out / "index.html").read_text("utf-8").lower()
    checklist = _sheets(out / "findings.xlsx")[2]
    assert "lieux d'hébergement" in [str(c).lower() for c in checklist[0]]


def test_patterns_taxonomy_titles_in_the_word_memo(tmp_path: Path, patterns_dir: Path) -> None:
    """The memo, written by the worker and re-rendered by ``report OUT``, shows the run's
    activity titles too."""
    import io

    import docx

    def memo_text(path: Path) -> str:
        d = docx.Document(io.BytesIO(path.read_bytes()))
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in d.paragraphs] + cells).lower()

    out = _scan_with_custom_rules(tmp_path, patterns_dir, "html,json,docx")
    runner = CliRunner()
    memo = out / f"{SAMPLE.name}.docx"
    target = RENAMED["target"][1].lower()
    assert target in memo_text(memo)  # (the contract's own text, quoted, has the shipped one)
    memo.unlink()
    rebuilt = runner.invoke(cli, ["report", str(out), "--format", "html,json,docx"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert target in memo_text(memo)
