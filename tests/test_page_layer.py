"""The pages share one layer (ballot_client/static): one dictionary with every word in both
languages, one language preference, one fetch-and-error helper, one list of phase names (those
the server sends), and QR codes drawn by the `qr` npm package — checked on the files themselves."""

from __future__ import annotations

import re
from pathlib import Path

from ballot_client.bundle import NODE_MODULES, VENDOR_PACKAGES, bundle_files
from ballot_server.rounds import PHASES
from tests.node_support import node_json

STATIC = Path(__file__).resolve().parents[1] / "ballot_client" / "static"
PARTS = sorted(STATIC.glob("words-*.js"))

_DICTIONARY = """
import { readFileSync } from 'node:fs';
const files = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
for (const file of files) {
  const module = await import(file);
  for (const [name, table] of Object.entries(module)) {
    out[name] = Object.fromEntries(Object.entries(table).map(([lang, words]) =>
      [lang, Object.fromEntries(Object.entries(words).map(([k, v]) => [k, typeof v]))]));
  }
}
console.log(JSON.stringify(out));
"""


def dictionary() -> dict[str, dict[str, dict[str, str]]]:
    """Each part's words: part name → language → key → type of the value."""
    return node_json(
        ["--input-type=module", "-e", _DICTIONARY], [p.as_uri() for p in PARTS]
    )


def page_files(*suffixes: str) -> list[Path]:
    return [p for p in sorted(STATIC.iterdir()) if p.suffix in suffixes]


def test_every_word_is_in_both_languages_and_defined_once() -> None:
    parts = dictionary()
    assert set(parts) == {
        "PUBLIC_WORDS", "COMMITTEE_WORDS", "CHAIR_WORDS", "RESULT_WORDS", "KIND_WORDS"
    }
    seen: dict[str, str] = {}
    for name, table in parts.items():
        assert set(table) == {"vi", "en"}, name
        assert set(table["vi"]) == set(table["en"]), (
            name,
            sorted(set(table["vi"]) ^ set(table["en"])),
        )
        for key in table["vi"]:
            assert key not in seen, f"{key} in {name} and {seen.get(key)}"
            seen[key] = name
            assert table["vi"][key] == table["en"][key], key  # both text or both functions


def test_every_key_a_page_uses_is_in_the_dictionary() -> None:
    known = {key for table in dictionary().values() for key in table["vi"]}
    used: set[str] = set()
    for page in page_files(".html"):
        used |= set(re.findall(r'data-i18n(?:-[a-z-]+)?="([^"]+)"', page.read_text("utf-8")))
    for script in page_files(".js"):
        text = script.read_text("utf-8")
        used |= set(re.findall(r"\bt\('([A-Za-z0-9_./-]+)'", text))
        used |= set(re.findall(r"setAttribute\('data-i18n-aria-label', '([^']+)'\)", text))
    missing = sorted(used - known)
    assert missing == [], missing
    assert len(used) > 300  # the check sees the pages' words


def test_only_the_dictionary_parts_hold_words_and_one_language_key_is_used() -> None:
    for script in page_files(".js"):
        text = script.read_text("utf-8")
        if script.name.startswith("words-"):
            continue
        assert not re.search(r"^\s*(vi|en): \{", text, re.M), f"a word table in {script.name}"
        assert "phieukin-lang" not in text
        if script.name != "i18n.js":
            assert "phieukin.lang" not in text and "STORAGE_KEY" not in text, script.name


def test_one_fetch_helper() -> None:
    callers = {p.name for p in page_files(".js") if "fetch(" in p.read_text("utf-8")}
    # api.js is the helper (it calls the fetch it is given, or the browser's); chair-session.js
    # is the chair's session-aware fetch that it is given
    assert callers == {"chair-session.js"}, callers
    assert "(fetcher ?? fetch)(path" in (STATIC / "api.js").read_text("utf-8")
    assert not (STATIC / "vote-api.js").exists() and not (STATIC / "chair-text.js").exists()


def test_phase_names_are_exactly_the_phases_the_server_sends() -> None:
    text = (STATIC / "phases.js").read_text("utf-8")
    listed = re.search(r"export const PHASES = \[([^\]]*)\]", text)
    assert listed
    phases = re.findall(r"'(\w+)'", listed.group(1))
    assert phases == ["setup", *PHASES]
    public = dictionary()["PUBLIC_WORDS"]["vi"]
    named = {key.split(".", 1)[1] for key in public if key.startswith("phase.")}
    assert named == {*phases, "unknown"}
    for script in page_files(".js"):
        if script.name not in ("phases.js",):
            assert not re.search(r"t\(`phase\.", script.read_text("utf-8")), script.name


def test_qr_codes_come_from_the_npm_package_served_like_the_noble_modules() -> None:
    assert not (STATIC / "qr.js").exists()
    assert VENDOR_PACKAGES["qr"] == "qr"
    assert (NODE_MODULES / "qr" / "index.js").is_file()
    assert "/vendor/qr/index.js" in bundle_files()
    assert "from '/vendor/qr/index.js'" in (STATIC / "qr-code.js").read_text("utf-8")
    package = (Path(__file__).resolve().parents[1] / "package.json").read_text("utf-8")
    assert '"qr": "0.7.0"' in package and '"axe-core": "4.14.1"' in package
