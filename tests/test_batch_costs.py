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
