"""Pre-flight limits (ZIP/DOCX, PDF), the text cap, worker memory cap, the progress display."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from analyzer.batch.limits import (
    LimitExceeded,
    Limits,
    check_docx,
    check_pdf,
    check_zip,
    sniff_type,
)
from analyzer.batch.models import Task
from analyzer.batch.progress import Progress
from analyzer.batch.worker import process_task
from analyzer.errors import ExtractionError

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p>'
            b"</w:body></w:document>")


def make_zip(path: Path, parts: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def docx_parts(**extra: bytes) -> dict[str, bytes]:
    return {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT, **extra}


def test_a_plain_docx_passes(tmp_path: Path):
    path = make_zip(tmp_path / "ok.docx", docx_parts())
    assert check_zip(path, Limits()) == []
    assert check_docx(path, Limits()) == []


def test_zip_bomb_by_ratio_size_and_entry_count(tmp_path: Path):
    bomb = make_zip(tmp_path / "bomb.docx", docx_parts(**{"word/media/a.bin": bytes(20 << 20)}))
    with pytest.raises(LimitExceeded, match="docx_ratio"):
        check_zip(bomb, Limits())
    with pytest.raises(LimitExceeded, match="docx_entry_size"):
        check_zip(bomb, Limits(docx_max_entry_mb=5))
    many = make_zip(tmp_path / "many.docx", docx_parts(**{f"x/{i}": b"x" for i in range(30)}))
    with pytest.raises(LimitExceeded, match="docx_entries"):
        check_zip(many, Limits(docx_max_entries=10))


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"<!doctype x>",
])
def test_doctype_in_any_part_is_refused(tmp_path: Path, doctype: bytes):
    core = b'<?xml version="1.0"?>' + doctype + b"<cp:coreProperties/>"
    path = make_zip(tmp_path / "xxe.docx", docx_parts(**{"docProps/core.xml": core}))
    with pytest.raises(ExtractionError, match="doctype_forbidden"):
        check_zip(path, Limits())


def test_doctype_in_utf16_part_is_refused(tmp_path: Path):
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a/>'
    path = make_zip(tmp_path / "u16.docx", docx_parts(**{"docProps/app.xml":
                                                         xml.encode("utf-16-le")}))
    with pytest.raises(ExtractionError, match="doctype_forbidden"):
        check_zip(path, Limits())


def test_macro_document_is_unsupported_and_external_relations_are_flagged(tmp_path: Path):
    macro = make_zip(tmp_path / "m.docx", docx_parts(**{
        "[Content_Types].xml": CONTENT_TYPES.replace(b"wordprocessingml.document.main",
                                                     b"ms-word.document.macroEnabled.main")}))
    with pytest.raises(ExtractionError) as raised:
        check_docx(macro, Limits())
    assert raised.value.status == "unsupported_type"
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="http://127.0.0.1:8765/t.dotm" TargetMode="External"/></Relationships>')
    remote = make_zip(tmp_path / "r.docx",
                      docx_parts(**{"word/_rels/settings.xml.rels": rels}))
    warnings = check_docx(remote, Limits())
    assert len(warnings) == 1 and "attachedTemplate" in warnings[0]


def _pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for i in range(pages):
        c.drawString(72, 720, f"Article {i + 1}. Le Prestataire héberge les données.")
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_pdf_page_count_limit_and_corrupt_pdf(tmp_path: Path):
    pytest.importorskip("reportlab")
    path = tmp_path / "five.pdf"
    path.write_bytes(_pdf(5))
    assert check_pdf(path, Limits()) == 5
    with pytest.raises(LimitExceeded, match="max_pages"):
        check_pdf(path, Limits(max_pages=4))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnothing here")
    with pytest.raises(ExtractionError):
        check_pdf(broken, Limits())


def test_sniffing_and_timeout_scaling(tmp_path: Path):
    (tmp_path / "e").write_bytes(b"")
    (tmp_path / "p").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "z").write_bytes(b"PK\x03\x04rest")
    (tmp_path / "b").write_bytes(b"\x00\x01\x02")
    assert [sniff_type(tmp_path / n) for n in "epzb"] == ["empty", "pdf", "zip", "other"]
    # bytes before the header: a PDF only when named .pdf (docs/batch.md, type by content)
    (tmp_path / "q.pdf").write_bytes(b"\n\n%PDF-1.4\n")
    (tmp_path / "q").write_bytes(b"\n\n%PDF-1.4\n")
    assert [sniff_type(tmp_path / n) for n in ("q.pdf", "q")] == ["pdf", "text"]
    limits = Limits(timeout_base=30, timeout_per_page=0.5, timeout_max=100)
    assert limits.timeout_for(None) == 30
    assert limits.timeout_for(40) == 50
    assert limits.timeout_for(10_000) == 100


def _task(path: Path) -> dict:
    return Task(path=str(path), display=path.name, sha256="0" * 64)


def test_text_cap_truncates_and_flags(tmp_path: Path):
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(f"Article {i}. Le Prestataire sauvegarde les données."
                                for i in range(200)), encoding="utf-8")
    result = process_task(_task(path), Limits(max_chars=1000), {"lang": "fr"})
    assert result.status == "ok" and result.truncated and result.chars == 1000
    report = json.loads(result.json)
    assert any("text_truncated" in w for w in report["document"]["warnings"])


def test_file_size_limit_and_unsupported_content(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024))
    outcome = process_task(_task(big), Limits(max_file_mb=1), {})
    assert outcome.status == "limit_exceeded" and "max_file_size" in outcome.reason
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01binary")
    assert process_task(_task(binary), Limits(), {}).status == "unsupported_type"


def test_progress_is_a_live_line_on_a_terminal_and_json_lines_otherwise():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = Progress(2, stream=tty)
    bar.update("a.pdf", "ok", 3)
    bar.update("b.pdf", "parse_error", None, "corrupt")
    bar.close()
    assert "2/2 documents, 3 pages" in tty.getvalue() and "1 failed" in tty.getvalue()
    assert "ETA" in tty.getvalue()
    pipe = io.StringIO()
    bar = Progress(2, stream=pipe)
    bar.update("a\nforged.pdf", "crashed", None, "crashed: SIGSEGV")
    bar.update("b.pdf", "ok", 1)
    events = [json.loads(line) for line in pipe.getvalue().splitlines()]
    assert events[0]["event"] == "failed" and events[0]["path"] == "a\nforged.pdf"
    assert events[-1] == {"event": "progress", "done": 2, "total": 2, "pages": 1, "failed": 1,
                          "pages_per_second": events[-1]["pages_per_second"]}


def test_progress_shows_a_line_on_a_terminal_before_the_first_document_ends():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    Progress(40, stream=tty)
    assert "0/40 documents" in tty.getvalue()
    pipe = io.StringIO()
    Progress(40, stream=pipe)
    assert pipe.getvalue() == ""  # quiet in a pipe until there is something to say
