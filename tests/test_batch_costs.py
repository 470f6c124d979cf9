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
