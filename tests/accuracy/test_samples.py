"""The bundled samples, end to end: what `make demo` produces must be complete and right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.evaluate import load_gold
from analyzer.output import output_names
from analyzer.schemas import validate_report
from tests.paths import SAMPLES

GOLD = sorted((SAMPLES / "gold").glob("*.json"))
CONTRACTS = SAMPLES / "contracts"
SAMPLE_FILES = sorted(p for p in CONTRACTS.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md"))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["scan", str(CONTRACTS), "-o", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    return out


def _report(out: Path, sample: Path) -> dict:
    name = output_names([f"contracts/{sample.name}"])[f"contracts/{sample.name}"]
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def test_the_four_required_samples_exist():
    formats = {p.suffix for p in SAMPLE_FILES}
    assert {".docx", ".pdf", ".txt", ".md"} <= formats
    assert len(SAMPLE_FILES) >= 4
    assert {g.name.removesuffix(".gold.json") for g in GOLD} >= {p.name for p in SAMPLE_FILES}


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_has_a_valid_json_and_html_report(scanned: Path, sample: Path):
    report = _report(scanned, sample)
    validate_report(report)
    name = output_names([f"contracts/{sample.name}"])[f"contracts/{sample.name}"]
    html = (scanned / f"{name}.html").read_text(encoding="utf-8")
    assert "<html" in html and report["clauses"], "a sample contract must have tagged clauses"
    assert sample.name in (scanned / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.name)
def test_coverage_equals_gold_coverage(scanned: Path, gold_path: Path):
    gold = load_gold(gold_path)
    report = _report(scanned, CONTRACTS / gold.document)
    predicted = sorted(t for t, ids in report["coverage"].items() if ids)
    assert predicted == sorted(gold.coverage)
    assert report["document"]["language"] == (gold.language or report["document"]["language"])
