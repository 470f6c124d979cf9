"""The command line as a user meets it: help, exit codes, outputs per input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import cli

CONTRACT = ("ARTICLE 1 – OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données "
            "de santé hébergées.\n")


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("scan", "evaluate", "patterns"):
        assert command in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path):
    (tmp_path / "a.txt").write_text(CONTRACT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o"),
                                      "--format", "pdf"])
    assert result.exit_code == 2
    assert "choose among" in result.stderr


def test_missing_input_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "nope.pdf"), "-o", str(tmp_path)])
    assert result.exit_code == 2


def test_one_bad_file_fails_alone_and_exit_code_is_1(tmp_path: Path):
    docs = tmp_path / "docs"
    (docs / "a").mkdir(parents=True)
    (docs / "b").mkdir()
    (docs / "a" / "contrat.txt").write_text(CONTRACT, encoding="utf-8")
    (docs / "b" / "contrat.txt").write_text(CONTRACT.replace("quotidienne", "hebdomadaire"),
                                            encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage that is not a PDF body")
    (docs / "notes.xyz").write_text("not a contract", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "broken.pdf" in result.stderr
    a = json.loads((out / "docs__a__contrat.txt.json").read_text(encoding="utf-8"))
    b = json.loads((out / "docs__b__contrat.txt.json").read_text(encoding="utf-8"))
    assert "quotidienne" in a["text"] and "hebdomadaire" in b["text"]
    assert (out / "docs__a__contrat.txt.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("a/contrat.txt", "b/contrat.txt", "broken.pdf", "notes.xyz"):
        assert name in index
    assert "skipped" in index


def test_all_good_exit_code_is_0_and_output_says_where_the_index_is(tmp_path: Path):
    (tmp_path / "c.txt").write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out / "index.html") in result.output


def test_patterns_commands_pass_on_the_shipped_rules():
    runner = CliRunner()
    validate = runner.invoke(cli, ["patterns", "validate"])
    assert validate.exit_code == 0, validate.output
    assert "fr:" in validate.output and "en:" in validate.output
    listing = runner.invoke(cli, ["patterns", "list"])
    assert listing.exit_code == 0
    assert "fr.context.exclusion" in listing.output
    tested = runner.invoke(cli, ["patterns", "test"])
    assert tested.exit_code == 0, tested.output + tested.stderr
    assert " 0 failed" in tested.output


def test_invalid_rule_directory_stops_with_file_and_rule_named(tmp_path: Path, patterns_dir: Path):
    bad = tmp_path / "patterns"
    (bad / "fr").mkdir(parents=True)
    (bad / "en").mkdir()
    (bad / "taxonomy.yaml").write_bytes((patterns_dir / "taxonomy.yaml").read_bytes())
    (bad / "fr" / "hosting.yaml").write_text(
        "schema_version: 1\nlang: fr\ncategory: hosting\nrules:\n"
        "  - id: fr.hosting.bad\n    topic: backup\n    description: x\n"
        "    patterns: [[{LOWR: sauvegarde}]]\n    examples: {match: [sauvegarde]}\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["patterns", "validate", "--patterns", str(bad)])
    assert result.exit_code == 1
    assert "hosting.yaml" in result.stderr and "fr.hosting.bad" in result.stderr
