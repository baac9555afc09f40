"""The ``samtrygg`` command as a user runs it: a separate process with its own database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SAMTRYGG = [sys.executable, "-m", "samtrygg.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "SAMTRYGG_DATA_DIR": str(tmp_path),
            **extra,
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_loads_the_partnership_and_prints_every_role(tmp_path: Path) -> None:
    result = subprocess.run(
        [*SAMTRYGG, "demo", "--no-serve"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for role in ("coordinator", "analyst", "reporter", "viewer", "superuser"):
        assert role in result.stderr
    assert "karlskoga-degerfors" in result.stderr
    assert (tmp_path / "cli.sqlite3").exists()
    # The demo keeps a key for this set-up, readable by its owner only ...
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text()
    assert len(key.strip()) >= 50 and str(key_file) in result.stderr
    # ... so the README's import and export lines run without SECRET_KEY.
    events = Path(__file__).parent / "data" / "polisen" / "events_karlskoga_degerfors.json"
    imported = subprocess.run(
        [*SAMTRYGG, "import", "polisen", str(events), "--partnership", "karlskoga-degerfors"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr
    pdf = tmp_path / "avtal.pdf"
    exported = subprocess.run(
        [*SAMTRYGG, "export", "agreement", "--partnership", "karlskoga-degerfors",
         "--format", "pdf", "--output", str(pdf)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    # The demo's adopted lägesbild and action plan, as Word and PDF.
    for document, fmt in (("lagesbild", "docx"), ("plan", "pdf")):
        out = tmp_path / f"{document}.{fmt}"
        exported = subprocess.run(
            [*SAMTRYGG, "export", document, "--partnership", "karlskoga-degerfors",
             "--format", fmt, "--output", str(out)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        assert exported.returncode == 0, exported.stderr
        assert f"the adopted {'lägesbild' if document == 'lagesbild' else 'action plan'}" in (
            exported.stdout
        )
        assert out.read_bytes().startswith(b"PK" if fmt == "docx" else b"%PDF-")
    # Running it again resets the demo instead of failing on duplicates, and keeps the key.
    again = subprocess.run(
        [*SAMTRYGG, "demo", "--no-serve"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert key_file.read_text() == key


def test_serve_answers_on_the_chosen_port(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, SECRET_KEY="cli-test-key", SAMTRYGG_SECURE="0")
    server = subprocess.Popen(
        [*SAMTRYGG, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=5
                ) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert "Logga in" in body
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize(
    "command", [["serve"], ["import", "polisen", "--live", "--partnership", "x"]]
)
def test_without_secret_key_or_a_local_key_file_nothing_starts(
    tmp_path: Path, command: list[str]
) -> None:
    result = subprocess.run(
        [*SAMTRYGG, *command], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr and "samtrygg demo" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_bad_port_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [*SAMTRYGG, "serve"],
        env=_env(tmp_path, PORT="eighty", SECRET_KEY="k"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "samtrygg: PORT='eighty' is not a port number; set it to e.g. 8000."
    )


@pytest.mark.parametrize(
    "command",
    [
        ["manage", "check"],
        ["analyse", "--help"],
        ["import", "--help"],
        ["export", "lagesbild", "--help"],
        ["export", "plan", "--help"],
    ],
)
def test_subcommands_exist(tmp_path: Path, command: list[str]) -> None:
    result = subprocess.run(
        [*SAMTRYGG, *command],
        env=_env(tmp_path, SECRET_KEY="k"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    if command[0] == "export":  # it says whose view of the document it writes
        assert "coordinator" in result.stdout
