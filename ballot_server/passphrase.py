"""The chair's passphrase: where it is read from, and how strong it must be.

A passphrase on the command line is visible to every user of the laptop (``ps``) and stays in
the shell's history, so ``phieukin serve`` reads it from a prompt (``--passphrase-prompt``), a
file (``--passphrase-file F``, its first line) or the environment
(``PHIEUKIN_CHAIR_PASSPHRASE``); ``--passphrase P`` still works for old scripts but warns.
Without any, the server makes a random secret and prints it.

Guessing is slowed to ten wrong tries a minute per address (``auth.py``), so a passphrase a
person chose needs only to be out of reach of a short list: the rule, stated in every refusal,
is at least 12 characters, at least 8 of them different, and not only digits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

ENVIRONMENT_VARIABLE = "PHIEUKIN_CHAIR_PASSPHRASE"
MIN_LENGTH = 12
MIN_DISTINCT = 8
MAX_LENGTH = 1024

RULE_VI = (
    f"Mật khẩu chủ tọa cần ít nhất {MIN_LENGTH} ký tự, trong đó ít nhất {MIN_DISTINCT} ký tự "
    "khác nhau, và không được chỉ gồm chữ số — ví dụ bốn từ ngẫu nhiên cách nhau bởi dấu cách."
)
RULE_EN = (
    f"The chair passphrase needs at least {MIN_LENGTH} characters, at least {MIN_DISTINCT} of "
    "them different, and not only digits — for example four random words separated by spaces."
)


class PassphraseError(Exception):
    """The passphrase cannot be used; the message says why, in Vietnamese and English."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi}\n{message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


def check_strength(passphrase: str) -> None:
    """Raise ``PassphraseError`` (naming the rule) if ``passphrase`` is too weak."""
    if len(passphrase) > MAX_LENGTH:
        raise PassphraseError(
            f"Mật khẩu quá dài (tối đa {MAX_LENGTH} ký tự).",
            f"The passphrase is too long (at most {MAX_LENGTH} characters).",
        )
    problems = []
    if len(passphrase) < MIN_LENGTH:
        problems.append((f"mới có {len(passphrase)} ký tự", f"it has {len(passphrase)}"))
    distinct = len(set(passphrase))
    if distinct < MIN_DISTINCT:
        problems.append(
            (f"chỉ có {distinct} ký tự khác nhau", f"only {distinct} different characters")
        )
    if passphrase.isdigit():
        problems.append(("chỉ gồm chữ số", "only digits"))
    if problems:
        raise PassphraseError(
            f"{RULE_VI} (Mật khẩu đã cho {', '.join(vi for vi, _ in problems)}.)",
            f"{RULE_EN} (The one given has {', '.join(en for _, en in problems)}.)",
        )


def read_passphrase(
    *,
    argument: str | None,
    file: Path | None,
    prompt: bool,
    environ: Mapping[str, str],
    ask: Callable[[str], str],
) -> tuple[str | None, list[str]]:
    """The chair's passphrase from exactly one source, checked; ``None`` when no source is given
    (a random secret is made then). Returns it with the warnings to print."""
    given = [
        name
        for name, value in (("--passphrase", argument), ("--passphrase-file", file))
        if value is not None
    ] + (["--passphrase-prompt"] if prompt else [])
    if len(given) > 1:
        raise PassphraseError(
            f"Chỉ dùng một cách đưa mật khẩu ({', '.join(given)}).",
            f"Give the passphrase one way only ({', '.join(given)}).",
        )
    warnings = []
    if argument is not None:
        passphrase = argument
        warnings.append(
            "Cảnh báo: mật khẩu trên dòng lệnh ai dùng máy này cũng thấy được (ps, lịch sử "
            f"lệnh); hãy dùng --passphrase-file, --passphrase-prompt hoặc {ENVIRONMENT_VARIABLE}."
            "\nWarning: a passphrase on the command line is visible to anyone on this machine; "
            f"use --passphrase-file, --passphrase-prompt or {ENVIRONMENT_VARIABLE}."
        )
    elif file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PassphraseError(
                f"Không đọc được tệp mật khẩu {file}: {error}",
                f"Cannot read the passphrase file {file}: {error}",
            ) from None
        passphrase = text.split("\n", 1)[0].removesuffix("\r")
    elif prompt:
        passphrase = ask("Mật khẩu chủ tọa (chair passphrase): ")
        if ask("Nhập lại (again): ") != passphrase:
            raise PassphraseError("Hai lần nhập không khớp.", "The two entries differ.")
    elif environ.get(ENVIRONMENT_VARIABLE):
        passphrase = environ[ENVIRONMENT_VARIABLE]
    else:
        return None, warnings
    check_strength(passphrase)
    return passphrase, warnings
