"""``samtrygg export agreement``: both formats, which version it took, and plain errors."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pytest

from samtrygg import cli
from samtrygg.cli import exports
from tests.agreements.helpers import PROMISE_TEXT, make_agreement, pdf_text, squash
from tests.conftest import World


@pytest.fixture(autouse=True)
def _export_registered(monkeypatch: Any) -> None:
    """Use ``export`` through ``samtrygg.cli.main`` whether or not it is registered yet."""
    build = cli.build_parser

    def with_export() -> argparse.ArgumentParser:
        parser = build()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "export" not in sub.choices:
            exports.register(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", with_export)


def _export(tmp_path: Path, fmt: str, slug: str = "alfa") -> tuple[int, Path]:
    out = tmp_path / f"avtal.{fmt}"
    code = cli.main(
        ["export", "agreement", "--partnership", slug, "--format", fmt, "--output", str(out)]
    )
    return code, out


def test_exports_both_formats_of_the_signed_version(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    from docx import Document

    signed = make_agreement(world, status="signed")
    make_agreement(world, version=2)  # a newer draft is not what gets filed
    code, out = _export(tmp_path, "docx")
    assert code == 0
    said = capsys.readouterr().out
    assert "the signed agreement" in said and "version 1" in said
    body = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert PROMISE_TEXT in body and signed.title in body

    code, out = _export(tmp_path, "pdf")
    assert code == 0
    assert squash(PROMISE_TEXT) in pdf_text(out.read_bytes())


def test_exports_the_draft_when_nothing_is_signed(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    make_agreement(world)
    code, out = _export(tmp_path, "pdf")
    assert code == 0 and out.read_bytes().startswith(b"%PDF-")
    assert "the draft (not yet signed)" in capsys.readouterr().out


def test_unknown_partnership_is_one_sentence_and_exit_2(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    code, out = _export(tmp_path, "docx", slug="gamma")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err == "samtrygg: There is no partnership 'gamma'; check the short name."


def test_no_agreement_is_one_sentence_and_exit_2(world: World, tmp_path: Path, capsys: Any) -> None:
    code, out = _export(tmp_path, "docx")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err.startswith("samtrygg: Alfa has no collaboration agreement yet")
    assert len(err.splitlines()) == 1
