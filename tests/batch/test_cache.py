"""The per-user start-up cache: what it returns is what is built without it, and a damaged,
stale or unwritable cache is rebuilt or bypassed, never trusted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer import cache, nlp


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HDS_ANALYZER_CACHE", str(folder))
    return folder


def _french_token_match() -> str:
    import spacy.lang.fr.tokenizer_exceptions as exceptions

    return exceptions.TOKEN_MATCH.__self__.pattern  # type: ignore[attr-defined, no-any-return]


def test_a_cached_regex_is_the_same_program_as_re_compile(cache_dir: Path) -> None:
    pattern = _french_token_match()
    assert len(pattern) >= cache.BIG_REGEX
    reference = re.compile(pattern)
    built = cache.compile_cached(pattern)
    assert list(cache_dir.glob("regex-*.bin"))
    loaded = cache.compile_cached(pattern)  # from the file this time
    # Pattern equality compares the flags, the pattern and the compiled program
    assert built == reference and loaded == reference
    for word in ("porte-monnaie", "aujourd'hui", "l'hébergement", "anti-virus", "Paris", "-"):
        assert bool(loaded.match(word)) == bool(reference.match(word))


def test_only_big_patterns_go_through_the_cache(cache_dir: Path) -> None:
    with cache.cached_big_regexes():
        small = re.compile(r"\d+")
    assert small.match("12") and not cache_dir.exists()
    assert re.compile is not None and re.compile.__module__ == "re"  # restored


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_entry_is_rebuilt_not_trusted(cache_dir: Path, damage: str) -> None:
    calls: list[int] = []

    def build() -> dict[str, str]:
        calls.append(1)
        return {"hébergées": "héberger"}

    assert cache.cached("test", ("a", 1), build) == {"hébergées": "héberger"}
    (entry,) = cache_dir.glob("test-*.bin")
    data = bytearray(entry.read_bytes())
    if damage == "flip":
        data[-1] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(b"\x00" * len(data))
    entry.write_bytes(bytes(data))
    assert cache.cached("test", ("a", 1), build) == {"hébergées": "héberger"}
    assert len(calls) == 2
    assert cache.cached("test", ("a", 1), build) == {"hébergées": "héberger"}
    assert len(calls) == 2  # the rebuilt entry is good again


def test_other_inputs_are_another_entry(cache_dir: Path) -> None:
    assert cache.cached("test", ("v1",), lambda: 1) == 1
    assert cache.cached("test", ("v2",), lambda: 2) == 2  # a stale key is never read
    assert len(list(cache_dir.glob("test-*.bin"))) == 2


def test_an_unusable_cache_folder_only_costs_time(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("HDS_ANALYZER_CACHE", str(blocker / "cache"))
    assert cache.cached("test", ("a",), lambda: [1, 2]) == [1, 2]


def test_the_cached_lemma_tables_are_the_packaged_table(cache_dir: Path) -> None:
    from spacy.lookups import load_lookups

    nlp.lemma_tables.cache_clear()
    try:
        table, folded = nlp.lemma_tables("fr")
        nlp.lemma_tables.cache_clear()
        again = nlp.lemma_tables("fr")  # from the cache file
    finally:
        nlp.lemma_tables.cache_clear()
    assert again == (table, folded) and list(cache_dir.glob("lemmas-*.bin"))
    packaged = load_lookups("fr", ["lemma_lookup"]).get_table("lemma_lookup")
    assert len(table) == len(packaged) > 100_000
    for form in list(table)[::97]:
        lemma = packaged.get(form)
        assert table[form] == (lemma[0] if isinstance(lemma, list) else lemma)
    # the folded index: first form wins, e.g. an OCR text without accents
    assert folded[nlp.fold("sauvegardées")] == table["sauvegardées"]


def test_rule_files_parse_the_same_from_the_cache_and_bad_yaml_still_fails(
        cache_dir: Path, tmp_path: Path) -> None:
    import yaml
    from pydantic import BaseModel

    from analyzer.errors import PatternFileError
    from analyzer.yamlfile import read_yaml_model

    class Doc(BaseModel):
        words: list[str]

    path = tmp_path / "words.yaml"
    path.write_text("words: [hébergement, 'sauvegarde', \"0012\"]\n", encoding="utf-8")
    first = read_yaml_model(path, Doc, "word list")
    assert list(cache_dir.glob("yaml-*.bin"))
    assert read_yaml_model(path, Doc, "word list") == first
    assert first.words == yaml.safe_load(path.read_text(encoding="utf-8"))["words"]
    path.write_text("words: [unclosed\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match="invalid YAML"):
        read_yaml_model(path, Doc, "word list")


def test_yaml_the_cache_cannot_hold_is_parsed_every_time(cache_dir: Path) -> None:
    """A YAML date is not marshal data: the value is still returned, just not stored."""
    import datetime

    text = "certificat: 2025-04-03\nville: Amsterdam\n"
    assert cache.yaml_data(text) == {"certificat": datetime.date(2025, 4, 3),
                                     "ville": "Amsterdam"}
    assert cache.yaml_data(text)["certificat"] == datetime.date(2025, 4, 3)
    assert not list(cache_dir.glob("yaml-*.bin"))


def test_the_message_catalogues_read_the_same_through_the_cache(cache_dir: Path) -> None:
    from importlib.resources import files

    import yaml

    from analyzer.report import i18n

    for lang in i18n.UI_LANGS:
        text = (files("analyzer.report") / "messages" / f"{lang}.yaml").read_text(encoding="utf-8")
        assert i18n._read(lang) == yaml.safe_load(text)
        assert i18n._read(lang) == yaml.safe_load(text)  # the second read is the cached one
    assert len(list(cache_dir.glob("yaml-*.bin"))) == len(i18n.UI_LANGS)


def test_a_lemma_entry_of_the_wrong_shape_is_rebuilt(cache_dir: Path) -> None:
    nlp.lemma_tables.cache_clear()
    try:
        table, _ = nlp.lemma_tables("en")
        (entry,) = cache_dir.glob("lemmas-*.bin")
        cache._write(entry, ("a\nb", "only one value", "", ""))  # checksummed, yet wrong
        nlp.lemma_tables.cache_clear()
        assert nlp.lemma_tables("en")[0] == table
    finally:
        nlp.lemma_tables.cache_clear()


def test_entries_unused_for_a_month_go_when_one_of_their_kind_is_written(
        cache_dir: Path) -> None:
    """An upgrade leaves the former lemma table (9 MB) behind: it is removed once unused for
    ``STALE_DAYS``, while an entry in use is kept (reading it marks it used)."""
    import os
    import time

    cache.cached("words", ("old",), lambda: "old")
    cache.cached("words", ("used",), lambda: "used")
    cache.cached("other", ("old",), lambda: "other kind")
    (cache_dir / ".words-x.bin.123.tmp").write_bytes(b"left by a killed writer")
    month_ago = time.time() - (cache.STALE_DAYS + 1) * 86_400
    for entry in cache_dir.iterdir():
        os.utime(entry, (month_ago, month_ago))
    assert cache.cached("words", ("used",), lambda: "rebuilt") == "used"  # read: marked used
    cache.cached("words", ("new",), lambda: "new")  # a write prunes its kind
    names = sorted(p.name.split("-")[0] for p in cache_dir.iterdir())
    assert names == ["other", "words", "words"]  # the old "words" and the temporary file went
    assert cache.cached("words", ("used",), lambda: "rebuilt") == "used"
    assert cache.cached("words", ("new",), lambda: "rebuilt") == "new"
