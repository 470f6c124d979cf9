"""The built wheel carries the rule files and works outside the source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO


@pytest.mark.slow
def test_wheel_ships_patterns_and_runs(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(REPO)], check=True, capture_output=True)
    wheel = next(dist.glob("hds_analyzer-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import analyzer, analyzer.resources as r; print(analyzer.__file__); "
            "print(r.default_patterns_dir())")
    probe = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    assert probe[0].startswith(str(target))
    assert probe[1] == str(target / "analyzer" / "_patterns")
    validate = subprocess.run([sys.executable, "-m", "analyzer", "patterns", "validate"], env=env,
                              cwd=tmp_path, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stderr
    assert "fr:" in validate.stdout and "en:" in validate.stdout
    # the message catalogues, the model clauses and the templates ship too: a report renders
    contract = tmp_path / "contrat.txt"
    contract.write_text("Article 1 – Objet\n\nLe Prestataire héberge les données de santé du "
                        "Client sur ses serveurs situés en France.\n", encoding="utf-8")
    scan = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(contract), "-o",
                           str(tmp_path / "p"), "--all"],
                          env=env, cwd=tmp_path, capture_output=True, text=True)
    assert scan.returncode == 0, scan.stderr
    html = (tmp_path / "p" / "contrat.txt.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Clause type (à adapter)" in html
    assert (tmp_path / "p" / "contrat.txt.docx").stat().st_size > 0
