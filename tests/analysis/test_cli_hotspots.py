"""``samtrygg analyse hotspots``: the JSON contract, equality with esda, text and errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samtrygg.analysis.errors import AnalysisError
from samtrygg.cli.analyse import hotspots as cli_hotspots

CELL_KEYS = {"row", "col", "x", "y", "count", "gi_star_z", "p_norm", "p_sim", "p_adjusted", "class"}


def _run(argv: list[str]) -> int:
    """Our own parser with ``register`` (independent of the other subcommands)."""
    parser = argparse.ArgumentParser(prog="samtrygg analyse")
    cli_hotspots.register(parser.add_subparsers(dest="analysis", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def _events(tmp_path: Path) -> Path:
    """A SWEREF 99 TM cluster of 60 events plus 40 scattered ones over about 2 × 1.5 km."""
    rng = np.random.default_rng(7)
    x = np.r_[rng.normal(500_250, 60, 60), rng.uniform(499_600, 501_600, 40)]
    y = np.r_[rng.normal(6_540_650, 60, 60), rng.uniform(6_539_900, 6_541_400, 40)]
    path = tmp_path / "events.csv"
    path.write_text("x,y\n" + "\n".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)))
    return path


def _json(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:  # type: ignore[type-arg]
    path = _events(tmp_path)
    code = _run(["hotspots", str(path), "--crs", "EPSG:3006", "--format", "json", *extra])
    assert code == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_json_lists_every_cell_with_the_contract_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(tmp_path, capsys, "--cell-size", "100", "--permutations", "999")
    assert {"crs", "cell_size", "origin", "n_rows", "n_cols", "cells"} <= out.keys()
    assert out["crs"] == "EPSG:3006" and out["cell_size"] == 100.0
    assert len(out["cells"]) == out["n_rows"] * out["n_cols"]
    assert all(set(c) == CELL_KEYS for c in out["cells"])
    assert sum(c["count"] for c in out["cells"]) == 100
    assert any(c["count"] == 0 for c in out["cells"])
    x0, y0 = out["origin"]
    assert x0 % 100 == 0 and y0 % 100 == 0  # nested origin
    first = out["cells"][1]
    assert (first["x"], first["y"]) == (x0 + 150.0, y0 + 50.0)  # centre of row 0, col 1
    assert out["n_hot"] > 0


def test_gi_star_z_equals_esda_on_lat2w_queen_binary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    out = _json(tmp_path, capsys, "--cell-size", "100", "--permutations", "99")
    n_rows, n_cols = out["n_rows"], out["n_cols"]
    counts = np.zeros((n_rows, n_cols))
    for c in out["cells"]:
        counts[c["row"], c["col"]] = c["count"]  # row = y index, col = x index
    esda = G_Local(counts.ravel(), lat2W(n_rows, n_cols, rook=False), transform="B", star=True,
                   permutations=0)  # fmt: skip
    z = np.array([c["gi_star_z"] for c in out["cells"]])
    rows = np.array([c["row"] for c in out["cells"]])
    cols = np.array([c["col"] for c in out["cells"]])
    assert_allclose(z, esda.Zs[rows * n_cols + cols], rtol=1e-10, atol=1e-10)
    assert_allclose([c["p_norm"] for c in out["cells"]], esda.p_norm, rtol=1e-10, atol=1e-10)


def test_classes_follow_p_adjusted_alpha_and_sign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(tmp_path, capsys, "--cell-size", "100", "--correction", "holm", "--alpha", "0.1")
    for c in out["cells"]:
        expected = "none"
        if c["p_adjusted"] < 0.1:
            expected = "hot" if c["gi_star_z"] > 0 else "cold" if c["gi_star_z"] < 0 else "none"
        assert c["class"] == expected
        assert 0 < c["p_sim"] <= 1 and c["p_adjusted"] >= 0


def test_rook_and_correction_none_and_automatic_cell_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(tmp_path, capsys, "--neighbourhood", "rook", "--correction", "none")
    assert out["neighbourhood"] == "rook" and out["correction"] == "none"
    assert out["cell_size_automatic"] is True and out["cell_size"] > 0


def test_text_output_has_a_summary_and_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _events(tmp_path)
    assert _run(["hotspots", str(path), "--crs", "EPSG:3006", "--cell-size", "100"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Gi* hotspots: 100 events in ")
    assert "hot and" in text and "class  row  col" in text


def test_csv_output_has_one_row_per_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _events(tmp_path)
    _run(["hotspots", str(path), "--crs", "EPSG:3006", "--cell-size", "250", "--format", "csv"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "row,col,x,y,count,gi_star_z,p_norm,p_sim,p_adjusted,class"
    assert len(lines) > 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--alpha", "2"], "alpha"),
        (["--cell-size", "-5"], "cell-size"),
        (["--cell-size", "100000"], "cell"),
    ],
)
def test_bad_arguments_give_a_plain_error(tmp_path: Path, extra: list[str], message: str) -> None:
    path = _events(tmp_path)
    with pytest.raises(AnalysisError, match=message):
        _run(["hotspots", str(path), "--crs", "EPSG:3006", *extra])


def test_main_prints_the_message_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from samtrygg.cli import main

    path = _events(tmp_path)
    code = main(["analyse", "hotspots", str(path), "--crs", "EPSG:3006", "--alpha", "0"])
    assert code == 2
    assert "alpha" in capsys.readouterr().err
