"""The shared writer of ``samtrygg analyse``: streamed JSON lists and the input report."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from samtrygg.analysis.quality import InputReport
from samtrygg.cli.analyse._common import emit


def _args(tmp_path: Path, fmt: str) -> argparse.Namespace:
    return argparse.Namespace(format=fmt, output=str(tmp_path / f"out.{fmt}"))


def test_a_streamed_list_is_written_item_by_item_as_valid_json(tmp_path: Path) -> None:
    taken: list[int] = []

    def items() -> Iterator[str]:
        for i in range(5):
            taken.append(i)
            yield json.dumps({"i": i})

    payload = {"cells": "replaced by the stream", "n": 5}
    emit(_args(tmp_path, "json"), payload, str, lambda: ((), ()), stream=("cells", items))
    out = json.loads((tmp_path / "out.json").read_text())
    assert out == {"n": 5, "cells": [{"i": i} for i in range(5)]}
    assert taken == list(range(5))


def test_an_empty_stream_is_an_empty_list(tmp_path: Path) -> None:
    emit(
        _args(tmp_path, "json"), {"n": 0}, str, lambda: ((), ()), stream=("cells", lambda: iter(()))
    )
    assert json.loads((tmp_path / "out.json").read_text()) == {"n": 0, "cells": []}


def test_the_input_report_goes_into_json_text_and_stderr_for_csv(
    tmp_path: Path, capsys: object
) -> None:
    report = InputReport(n_rows=10, n_used=9, outside_rows=[4], outside_reasons=["0,0"])
    report.duplicate_rows = [7]
    emit(_args(tmp_path, "json"), {"a": 1}, str, lambda: ((), ()), report=report)
    data = json.loads((tmp_path / "out.json").read_text())["input"]
    assert data["outside_study_area"] == {"count": 1, "rows": [4], "reasons": ["0,0"]}
    assert data["duplicates"] == {"count": 1, "rows": [7], "dropped": False}
    emit(_args(tmp_path, "text"), {}, lambda: "result", lambda: ((), ()), report=report)
    text = (tmp_path / "out.text").read_text()
    assert text.startswith("Input: 1 event(s) lie outside the study area")
    assert "row 4 (0,0)" in text and "row 7" in text and text.rstrip().endswith("result")
