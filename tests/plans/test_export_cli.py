"""``samtrygg export lagesbild|plan``: which version, both formats, and plain errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from samtrygg import cli
from samtrygg.lagesbild.models import Lagesbild
from samtrygg.lagesbild.services import new_lagesbild_version
from tests.conftest import World
from tests.documents_text import pdf_page_texts, squash, word_text
from tests.lagesbild.test_documents import EVIL, _lagesbild
from tests.plans.test_documents import _plan


def _export(tmp_path: Path, document: str, fmt: str, *extra: str, slug: str = "alfa") -> Any:
    out = tmp_path / f"{document}.{fmt}"
    code = cli.main(
        ["export", document, "--partnership", slug, "--format", fmt, "--output", str(out), *extra]
    )
    return code, out


def test_lagesbild_exports_the_adopted_version_with_every_count(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    adopted = _lagesbild(world)
    new_lagesbild_version(adopted, world.users["coordinator"])  # a newer draft is not filed
    code, out = _export(tmp_path, "lagesbild", "docx")
    assert code == 0
    said = capsys.readouterr().out
    assert "the adopted lägesbild" in said and "version 1" in said and "coordinator" in said
    text = word_text(out.read_bytes())
    assert text.header == f"Alfa · {adopted.title}" and text.footer.startswith("Sida ")
    # What a coordinator sees: the small count of the hostile-named area is not hidden.
    assert text.rows_starting(EVIL)[0][:3] == [EVIL, "3", "0"]


def test_lagesbild_version_and_pdf(world: World, tmp_path: Path, capsys: Any) -> None:
    adopted = _lagesbild(world)
    draft = new_lagesbild_version(adopted, world.users["coordinator"])
    Lagesbild.objects.filter(pk=draft.pk).update(cause_analysis="Ny analys av orsaker.")
    code, out = _export(tmp_path, "lagesbild", "pdf", "--version", "2")
    assert code == 0 and "version 2 (draft)" in capsys.readouterr().out
    pages = pdf_page_texts(out.read_bytes())
    assert squash("Ny analys av orsaker.") in "".join(pages)
    assert pages[-1].endswith(f"Sida{len(pages)}av{len(pages)}")


def test_plan_exports_in_english_on_request(world: World, tmp_path: Path, capsys: Any) -> None:
    plan = _plan(world)
    code, out = _export(tmp_path, "plan", "docx", "--language", "en")
    assert code == 0 and "the adopted action plan" in capsys.readouterr().out
    text = word_text(out.read_bytes())
    assert text.header == f"Alfa · {plan.title}" and text.footer.startswith("Page ")
    assert text.rows_starting("Byta armaturer") and "12.5 per 1 000 (2026-01-01)" in text.body


@pytest.mark.parametrize("document", ["lagesbild", "plan"])
def test_unknown_partnership_is_one_sentence_and_exit_2(
    world: World, tmp_path: Path, capsys: Any, document: str
) -> None:
    code, out = _export(tmp_path, document, "docx", slug="gamma")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err == "samtrygg: There is no partnership 'gamma'; check the short name."


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (
            "lagesbild",
            "samtrygg: Alfa has no yearly lägesbild yet; start one on its lägesbild page.",
        ),
        ("plan", "samtrygg: Alfa has no action plan yet; start one on its action plans page."),
    ],
)
def test_no_document_yet_is_one_sentence_and_exit_2(
    world: World, tmp_path: Path, capsys: Any, document: str, says: str
) -> None:
    code, out = _export(tmp_path, document, "pdf")
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err.strip() == says


def test_missing_version_names_the_versions_there_are(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    _plan(world)
    code, out = _export(tmp_path, "plan", "pdf", "--version", "7")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err == "samtrygg: The action plan of Alfa has no version 7; there are versions 1."


def test_unwritable_output_is_one_sentence_and_exit_2(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    _plan(world)
    missing = tmp_path / "nowhere" / "plan.pdf"
    code = cli.main(
        ["export", "plan", "--partnership", "alfa", "--format", "pdf", "--output", str(missing)]
    )
    assert code == 2 and "does not exist; create it first" in capsys.readouterr().err
    code = cli.main(
        ["export", "plan", "--partnership", "alfa", "--format", "pdf", "--output", str(tmp_path)]
    )
    assert code == 2 and "is a folder" in capsys.readouterr().err
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        code = cli.main(
            ["export", "plan", "--partnership", "alfa", "--format", "pdf",
             "--output", str(locked / "plan.pdf")]
        )  # fmt: skip
        assert code == 2 and "Cannot write to" in capsys.readouterr().err
