"""What an attacker's document may cost is bounded by the documented limits: no backtracking
pattern on a hostile line, no text longer than spaCy accepts, and the type sniffing, encodings and
ZIP checks that keep a hostile file from being misread."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
    task = {"path": str(path), "display": "long.txt", "name": "long.txt", "sha256": "0" * 64}
    result = process_task(task, Limits(), {"lang": "fr"})
    record = result["record"]
    assert record["status"] == "ok", record["reason"]
    assert record["truncated"] and record["chars"] == Limits().max_chars
    assert any(w.startswith("text_split:") for w in record["warnings"])


def _task(path):
    return {"path": str(path), "display": path.name, "name": path.name, "sha256": "0" * 64}


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
        assert result["record"]["status"] == "ok", (codec, result["record"]["reason"])
        assert "sauvegarde quotidienne" in result["json"]


def test_pdf_marker_inside_a_text_file_does_not_make_it_a_pdf(tmp_path):
    from analyzer.batch.limits import Limits, sniff_type
    from analyzer.batch.worker import process_task

    path = tmp_path / "notes.txt"
    path.write_text("Les pièces jointes commencent par %PDF-1.7 dans leur en-tête.\n\n" + CLAUSE,
                    encoding="utf-8")
    assert sniff_type(path) == "text"
    result = process_task(_task(path), Limits(), {"lang": "fr"})
    assert result["record"]["status"] == "ok", result["record"]["reason"]
    assert result["record"]["type"] == "txt"
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
