"""What an attacker's document may cost is bounded by the documented limits: no backtracking
pattern on a hostile line, no text longer than spaCy accepts, and the type sniffing, encodings and
ZIP checks that keep a hostile file from being misread."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from analyzer.batch.models import Task
from tests.paths import SAMPLES


def test_markdown_heading_pattern_is_linear_on_4_kb_lines_of_hashes_and_spaces():
    # Run under a CPU-time limit (not a wall clock): the former pattern backtracked cubically
    # and needs far more than the limit on these lines; a linear one needs milliseconds.
    code = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_CPU, (8, 8))
        from analyzer.extract.text import looks_like_markdown, text_blocks
        line = "# " + " " * 1365 + "#" * 1365 + " " * 1365 + "x"  # 4 KB
        assert len(line.encode()) > 4000
        text = "\\n\\n".join([line] * 5)
        assert looks_like_markdown(text)
        blocks = text_blocks(text, markdown=True)
        assert [b.kind for b in blocks] == ["heading"] * 5
        from analyzer.extract.text import md_heading
        assert md_heading("## Titre ##  ") == (2, "Titre")
        assert md_heading("#Titre") is None
        print("done")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.strip() == "done"


def test_default_text_cap_is_within_what_spacy_takes():
    from analyzer.batch.limits import Limits
    from analyzer.nlp import build_pipeline
    from analyzer.resources import default_patterns_dir
    from analyzer.rules import load_rules

    nlp = build_pipeline(load_rules(default_patterns_dir(), "fr"))
    assert Limits().max_chars <= nlp.max_length


def test_a_2_5_mb_paragraph_is_analysed_not_crashed(tmp_path):
    from analyzer.batch.limits import Limits
    from analyzer.batch.worker import process_task

    path = tmp_path / "long.txt"
    sentence = "Le Prestataire assure la sauvegarde quotidienne des données de santé. "
    path.write_text(sentence * (2_500_000 // len(sentence) + 1), encoding="utf-8")
    task = Task(path=str(path), display="long.txt", name="long.txt", sha256="0" * 64)
    result = process_task(task, Limits(), {"lang": "fr"})
    assert result.status == "ok", result.reason
    assert result.truncated and result.chars == Limits().max_chars
    assert any(w.startswith("text_split:") for w in result.warnings)


def _task(path):
    return Task(path=str(path), display=path.name, name=path.name, sha256="0" * 64)


CLAUSE = "ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données.\n"


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    from analyzer.batch.limits import Limits
    from analyzer.batch.worker import process_task

    for codec in ("utf-16", "utf-16-be", "utf-32"):
        path = tmp_path / f"{codec}.txt"
        data = CLAUSE.encode(codec)
        if codec == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        result = process_task(_task(path), Limits(), {"lang": "fr"})
        assert result.status == "ok", (codec, result.reason)
        assert "sauvegarde quotidienne" in result.json


def test_pdf_marker_inside_a_text_file_does_not_make_it_a_pdf(tmp_path):
    from analyzer.batch.limits import Limits, sniff_type
    from analyzer.batch.worker import process_task

    path = tmp_path / "notes.txt"
    path.write_text("Les pièces jointes commencent par %PDF-1.7 dans leur en-tête.\n\n" + CLAUSE,
                    encoding="utf-8")
    assert sniff_type(path) == "text"
    result = process_task(_task(path), Limits(), {"lang": "fr"})
    assert result.status == "ok", result.reason
    assert result.type == "txt"
    # the PDF convention of up to 1 KiB before the header holds for files named .pdf
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(b"\x00" * 100 + b"%PDF-1.7\n")
    assert sniff_type(padded) == "pdf"


def test_docx_with_two_entries_of_the_same_name_is_refused(tmp_path):
    import io
    import warnings
    import zipfile

    import pytest

    from analyzer.batch.limits import Limits, check_zip
    from analyzer.errors import ExtractionError

    content_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                     b'package/2006/content-types"/>')
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as z:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate, and writes it
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("word/document.xml", b"<w:document/>")
        z.writestr("word/document.xml", b"<w:document>hidden</w:document>")
    path = tmp_path / "dup.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ExtractionError, match=r"duplicate ZIP entry 'word/document\.xml'"):
        check_zip(path, Limits())
    case = tmp_path / "case.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("[content_types].xml", content_types)
    case.write_bytes(buffer.getvalue())
    with pytest.raises(ExtractionError, match="duplicate ZIP entry"):
        check_zip(case, Limits())


def _repeated_xobject_pdf(draws: int) -> bytes:
    """A one-page PDF of about 1 KB whose page draws the same form XObject ``draws`` times: the
    text extracted is ``draws`` times the form's (a content stream repeated, no big stream)."""
    import zlib

    sentence = "Le Prestataire assure la sauvegarde quotidienne des donnees de sante. "
    form = f"BT /F1 9 Tf 50 700 Td ({sentence * 4}) Tj ET".encode()
    page = zlib.compress(b"q /X0 Do Q\n" * draws, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /X0 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R"
        b" >> >> /Length %d >>\nstream\n" % len(form) + form + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1,
                                                                             xref)
    return bytes(out)


def _repetitive_docx(path, chars: int) -> None:
    """A DOCX of a few KB whose one paragraph is ``chars`` characters (its XML stays under the
    10 MB from which the ZIP ratio is checked, so only the text ratio can stop it)."""
    import io
    import zipfile

    text = ("Le Prestataire sauvegarde les données. " * (chars // 39 + 1))[:chars]
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                f"{text}</w:t></w:r></w:p></w:body></w:document>").encode()
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        b'openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        b'main+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            b'//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            b'Target="word/document.xml"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
    path.write_bytes(buffer.getvalue())


def test_text_far_larger_than_its_input_is_limit_exceeded_and_the_batch_goes_on(tmp_path):
    import csv
    import io
    import shutil

    from click.testing import CliRunner

    from analyzer.cli import cli

    data = tmp_path / "in"
    data.mkdir()
    (data / "bomb.pdf").write_bytes(_repeated_xobject_pdf(1000))  # ~280,000 chars from ~1 KB
    _repetitive_docx(data / "bomb.docx", 300_000)
    samples = SAMPLES / "contracts"
    shutil.copy(samples / "fr-infogerance-ght.pdf", data)
    shutil.copy(samples / "fr-formation-tma.txt", data)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(data), "-o", str(out), "-q", "-j", "1",
                                      "--ui-lang", "en"])
    assert result.exit_code == 1, result.output + result.stderr
    found = {r["path"]: r for r in csv.DictReader(io.StringIO(
        (out / "files.csv").read_text("utf-8")))}
    assert set(found) == {"in/bomb.pdf", "in/bomb.docx", "in/fr-infogerance-ght.pdf",
                          "in/fr-formation-tma.txt"}, found
    for name in ("in/bomb.pdf", "in/bomb.docx"):
        assert found[name]["status"] == "limit_exceeded", found[name]
        assert found[name]["reason"].startswith("text_ratio: "), found[name]
        assert "per byte, limit 20" in found[name]["reason"]
    reports = sorted(p.name for p in out.glob("*.json"))
    assert reports == ["in__fr-formation-tma.txt.json", "in__fr-infogerance-ght.pdf.json"]
    for name in ("in/fr-infogerance-ght.pdf", "in/fr-formation-tma.txt"):
        assert found[name]["status"] == "ok", found[name]
    # the option reaches the workers, and a changed limit re-tries what it refused
    result = CliRunner().invoke(cli, ["scan", str(data), "-o", str(out), "-q", "-j", "1",
                                      "--ui-lang", "en", "--max-text-ratio", "30"])
    assert result.exit_code == 1, result.output + result.stderr
    found = {r["path"]: r for r in csv.DictReader(io.StringIO(
        (out / "files.csv").read_text("utf-8")))}
    for name in ("in/bomb.pdf", "in/bomb.docx"):
        assert found[name]["status"] == "limit_exceeded", found[name]
        assert "per byte, limit 30)" in found[name]["reason"], found[name]


def test_text_ratio_is_checked_after_extraction_and_before_the_analysis(tmp_path, monkeypatch):
    import re

    from analyzer.batch import worker
    from analyzer.batch.limits import Limits

    def never(*args, **kwargs):
        raise AssertionError("the analysis ran on a decompression bomb")

    monkeypatch.setattr(worker, "_analyse", never)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_repeated_xobject_pdf(1000))
    outcome = worker.process_task(_task(path), Limits(), {"lang": "fr"})
    assert outcome.status == "limit_exceeded", outcome
    assert re.match(r"text_ratio: 2\d\d,\d{3} characters extracted from 1,\d{3} bytes \(2\d\d "
                    r"per byte, limit 20\): decompression bomb", outcome.reason), outcome
    # the option: a higher ratio lets it through to the analysis, 0 turns the check off
    for limits in (Limits(max_text_ratio=1000), Limits(max_text_ratio=0)):
        outcome = worker.process_task(_task(path), limits, {"lang": "fr"})
        assert outcome.status == "crashed" and "decompression bomb" in outcome.reason


def test_text_ratio_limit_is_far_above_real_contracts():
    import glob
    from pathlib import Path

    from analyzer.batch.limits import Limits, check_text_ratio
    from analyzer.extract import extract

    samples = SAMPLES / "contracts"
    paths = sorted(samples.iterdir()) + [Path(p) for p in sorted(
        glob.glob("/work/shared/corpus/originals/*.pdf"))[:2]]
    limits = Limits()
    for path in paths:
        chars = sum(len(b.text) for b in extract(path, ocr="never").blocks)
        ratio = chars / path.stat().st_size
        assert ratio < limits.max_text_ratio / 10, (path.name, ratio)  # measured: at most 1.0
        check_text_ratio(chars, path.stat().st_size, limits)
    check_text_ratio(limits.text_ratio_from_chars, 10, limits)  # a short text is never refused


@pytest.mark.slow
def test_a_6_4_mb_text_file_is_analysed_truncated_to_max_chars_within_the_default_limits(
        tmp_path):
    # Issue 13: a 6.4 MB text used to exhaust the 600 s CPU limit. Under the default limits (the
    # worker's RLIMIT_CPU, memory cap and wall-clock deadline all armed) it is now cut at
    # --max-chars and analysed, with the warning in the store, files.csv and the report.
    import csv
    import io
    import json
    import sqlite3

    from click.testing import CliRunner

    from analyzer.batch.limits import Limits
    from analyzer.cli import cli

    samples = SAMPLES / "contracts"
    contract = (samples / "fr-formation-tma.txt").read_text("utf-8") + "\n\n"
    big = tmp_path / "in" / "data-room-export.txt"
    big.parent.mkdir()
    big.write_text(contract * (6_400_000 // len(contract.encode()) + 1), encoding="utf-8")
    assert 6_400_000 <= big.stat().st_size < 6_500_000
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(big), "-o", str(out), "-q", "-j", "1",
                                      "--ui-lang", "en"])
    assert result.exit_code == 0, result.output + result.stderr
    row, = csv.DictReader(io.StringIO((out / "files.csv").read_text("utf-8")))
    assert row["status"] == "ok", row
    assert row["truncated"].lower() in ("true", "1", "yes"), row
    assert int(row["chars"]) == Limits().max_chars
    with sqlite3.connect(out / "results.sqlite") as db:
        cpu, = db.execute("SELECT cpu_seconds FROM files").fetchone()
    db.close()
    assert cpu < Limits().cpu_seconds  # recorded, and within the budget (it ended ok)
    report_file, = out.glob("*.json")
    report = json.loads(report_file.read_text("utf-8"))
    assert any(w.startswith("text_truncated: extracted text cut at 2000000 characters")
               for w in report["document"]["warnings"]), report["document"]["warnings"]
