"""Swedish throughout: every text in the code has a finished Swedish translation, compiled.

``makemessages`` runs on a copy of the package, so the test sees every string that templates
and code mark for translation, including ones nobody has added to the catalogue yet.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import samtrygg

PACKAGE = Path(samtrygg.__file__).resolve().parent
PO = PACKAGE / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ENTRY = re.compile(r"^(#,[^\n]*\n)?(?:#[^\n]*\n)*msgid ", re.M)


def _entries(text: str) -> list[str]:
    """The catalogue's entries without the header and the obsolete (#~) ones."""
    blocks = [b for b in text.split("\n\n") if "msgid" in b and not b.lstrip().startswith("#~")]
    return [b for b in blocks if not re.search(r'^msgid ""\nmsgstr ""\n"Project-Id', b, re.M)]


def _msgid(block: str) -> str:
    match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""


def _untranslated(block: str) -> bool:
    match = re.search(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
    return match is None or "".join(re.findall(r'"(.*)"', match.group(1))) == ""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: install Debian's 'gettext' package")
    copy = tmp_path_factory.mktemp("messages") / "samtrygg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sv", "--no-obsolete"],
        cwd=copy,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "samtrygg.web.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return (copy / "locale" / "sv" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")


def test_every_text_in_the_code_has_a_swedish_translation(extracted: str) -> None:
    missing = [_msgid(b) for b in _entries(extracted) if _untranslated(b)]
    assert not missing, f"{len(missing)} texts have no Swedish translation: {missing[:20]}"


def test_no_swedish_translation_is_fuzzy(extracted: str) -> None:
    fuzzy = [_msgid(b) for b in _entries(extracted) if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    assert not fuzzy, f"{len(fuzzy)} Swedish translations are marked fuzzy: {fuzzy[:20]}"


def test_the_compiled_catalogue_matches_the_translations(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        shipped = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
        wanted = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in wanted if shipped.get(k) != wanted[k])[:10]
    assert not stale, f"django.mo is older than django.po; run `make messages`: {stale}"
