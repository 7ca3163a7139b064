"""What a record proves, in the verdict and the exit code (docs/RECORD.md, "Verdicts"), and the
verifier on its own, without the server's dependencies (``python -m audit``).

0 final: every check passed, the minute covers every round and carries ≥ t committee
co-signatures · 1 unsound: a check failed · 2 not a readable record · 3 interim: nothing failed,
but no final result is proved · 4 unchecked: nothing failed, but the printed minute could not be
rendered again on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit.minute_pdf import FONT_DIR, FONT_FILES
from tests.record_support import Parts, meeting_record, write_records

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
SERVER_ONLY = ("aiohttp", "openpyxl", "qrcode", "sqlite3", "ballot_server")

# Runs ``python -m audit`` with the server's dependencies made unimportable: any import of them
# (or of the server and client packages) fails as if they were not installed.
STANDALONE = """
import runpy, sys
from importlib.abc import MetaPathFinder
FORBIDDEN = {forbidden!r}
class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not installed)")
        return None
for name in list(sys.modules):
    if name.split(".")[0] in FORBIDDEN:
        del sys.modules[name]
sys.meta_path.insert(0, NotInstalled())
sys.argv = ["python -m audit", *sys.argv[1:]]
try:
    runpy.run_module("audit", run_name="__main__", alter_sys=True)
finally:
    loaded = sorted(n for n in sys.modules if n.split(".")[0] in FORBIDDEN)
    print("LOADED", loaded, file=sys.stderr)
"""


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, Path]:
    built = meeting_record()
    unsigned = Parts.open(built.final)
    for _ in range(3):
        del unsigned.entries[unsigned.position("minute-signature", -1)]
    del unsigned.entries[unsigned.position("minute-pdf")]
    del unsigned.files["minute.pdf"]
    unsigned_zip = unsigned.resign(built.server_key).pack()
    return write_records(tmp_path_factory.mktemp("verdicts"), unsigned=unsigned_zip)


def run(*args: object, module: str = "audit", forbid: tuple[str, ...] = ()):
    """``python -m MODULE ARGS`` in a fresh process (optionally with modules made missing)."""
    if forbid:
        command = [sys.executable, "-c", STANDALONE.format(forbidden=set(forbid)), *map(str, args)]
    else:
        command = [sys.executable, "-m", module, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=180)


def test_an_interim_record_exits_3_and_says_so(records):
    result = run("verify", records["open"])
    assert result.returncode == 3, result.stdout + result.stderr
    assert "○ Biên bản có trong nhật ký  [minute.present]" in result.stdout
    assert "KẾT LUẬN: hồ sơ TẠM THỜI" in result.stdout and "hợp lệ —" not in result.stdout
    english = run("verify", records["open"], "--lang", "en", "--json")
    report = json.loads(english.stdout)
    assert (english.returncode, report["verdict"], report["ok"]) == (3, "interim", False)
    pending = [f for f in report["findings"] if f["status"] == "pending"]
    assert [f["check"] for f in pending] == ["minute.present"]
    text = run("verify", records["open"], "--lang", "en").stdout
    assert "RESULT: an INTERIM record — no check failed, but it does not prove" in text
    assert "sound" not in text


def test_a_minute_without_cosignatures_is_interim_not_sound(records):
    result = run("verify", records["unsigned"], "--lang", "en")
    assert result.returncode == 3, result.stdout
    assert "○ The minute carries enough committee signatures  [minute.cosigned]" in result.stdout
    assert "0 of 3 committee members have co-signed the minute; 2 needed" in result.stdout


def test_without_the_fonts_the_pdf_is_unchecked_and_the_exit_code_is_4(records, tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    result = run("verify", records["final"], "--fonts", empty, "--json")
    report = json.loads(result.stdout)
    assert (result.returncode, report["verdict"], report["ok"]) == (4, "unchecked", False)
    unchecked = [f for f in report["findings"] if f["status"] == "unchecked"]
    assert [f["check"] for f in unchecked] == ["minute.pdf_render"]
    assert "fonts-liberation2" in unchecked[0]["detail"]
    text = run("verify", records["final"], "--fonts", empty).stdout
    assert "KẾT LUẬN: CHƯA KIỂM TRA ĐỦ" in text


def test_other_fonts_are_named_not_taken_for_a_forgery(records, tmp_path):
    """Fonts that differ from the ones the minute was printed with: the bytes cannot match,
    and the verifier says why instead of calling the PDF forged."""
    other = tmp_path / "other-fonts"
    other.mkdir()
    for file in FONT_FILES.values():
        shutil.copy(FONT_DIR / file, other / file)
    shutil.copy(FONT_DIR / "LiberationSans-Regular.ttf", other / FONT_FILES["PK-Serif"])
    result = run("verify", records["final"], "--fonts", other, "--lang", "en")
    assert result.returncode == 4, result.stdout
    assert "this machine renders with" in result.stdout and "--fonts DIR" in result.stdout
    # the same fonts in another folder: the PDF is checked, the record is final
    same = tmp_path / "same-fonts"
    shutil.copytree(FONT_DIR, same)
    assert run("verify", records["final"], "--fonts", same).returncode == 0


def test_the_verifier_runs_without_the_server_dependencies(records):
    """``python -m audit verify`` with aiohttp, openpyxl, qrcode, sqlite3 and the
    server package all missing: it checks everything, the PDF included, and says final."""
    result = run("verify", records["final"], "--workers", "1", forbid=SERVER_ONLY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hồ sơ đã hoàn tất" in result.stdout and "✓" in result.stdout
    assert "[minute.pdf_render]" in result.stdout
    assert "LOADED []" in result.stderr
    interim = run("verify", records["open"], "--workers", "1", forbid=SERVER_ONLY)
    assert interim.returncode == 3
    rules = run("rules", "profiles", forbid=SERVER_ONLY)
    assert rules.returncode == 0 and "qd366-hd43 v2" in rules.stdout
    # the blocker works: the server's own command cannot start without them
    blocked = subprocess.run(
        [
            sys.executable,
            "-c",
            STANDALONE.format(forbidden=set(SERVER_ONLY)).replace(
                'runpy.run_module("audit"', 'runpy.run_module("ballot_server.cli"'
            ),
            "verify",
            str(records["final"]),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=180,
    )
    assert blocked.returncode != 0 and "not installed" in blocked.stderr


def test_the_package_metadata_keeps_the_server_dependencies_in_an_extra():
    """``pip install phieukin`` gets the verifier; ``phieukin[server]`` adds the server's."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {d.split("==")[0] for d in project["dependencies"]}
    assert names == {"cryptography", "pynacl", "rbcl", "reportlab"}
    server = {d.split("==")[0] for d in project["optional-dependencies"]["server"]}
    assert {"aiohttp", "openpyxl", "qrcode"} <= server
    assert not names & server


def test_python_m_audit_help_names_the_exit_codes():
    result = run("verify", "--help")
    assert result.returncode == 0
    for line in ("0 a final record", "1 a check failed", "2 not a readable", "3 an interim"):
        assert line in " ".join(result.stdout.split()), line
