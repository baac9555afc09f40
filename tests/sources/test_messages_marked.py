"""Every message a reader can show a user is a template marked for translation.

The web pages translate the readers' messages with ``gettext(template) % params``; a message
written as a plain string or an f-string would reach a Swedish page in English. This test reads
the readers' source (without importing Django) and fails on any such message, so that a new one
cannot slip through.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import samtrygg.sources

SOURCES = Path(samtrygg.sources.__file__).parent
# Synthetic demo incidents: their Swedish descriptions are data, not messages.
NOT_MESSAGES = {"synthetic.py"}
ERRORS = {"RowError", "LimitRowError", "SourceError"}
# Programmer errors (a wrong argument), raised to the code that called, not shown to users.
PROGRAMMER_ERRORS = {"ValueError", "TypeError", "KeyError", "RuntimeError", "FetchError"}
# A sentence: a capital (or a quoted value) first, at least three words, a full stop at the end.
SENTENCE = re.compile(r"^[A-Z'%].*\s.*\s.*[.?]$", re.S)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_marked(node: ast.AST) -> bool:
    """``gettext_noop("…")`` with one plain string (an f-string cannot be looked up)."""
    return (
        isinstance(node, ast.Call)
        and _name(node.func) == "gettext_noop"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _message_argument(call: ast.Call) -> ast.AST | None:
    position = 0 if _name(call.func) == "SourceError" else 2
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg in ("message", "errors")), None)


def problems(source: str) -> list[str]:
    """Unmarked messages in a reader's source, as "line: what" (empty when all are marked)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and _name(node.func) == "gettext_noop"
            and not _is_marked(node)
        ):
            found.append(f"{node.lineno}: gettext_noop needs one plain string")
        if isinstance(node, ast.Call) and _name(node.func) in ERRORS:
            message = _message_argument(node)
            plain = isinstance(message, (ast.Constant, ast.JoinedStr, ast.BinOp))
            called = isinstance(message, ast.Call) and not (
                _is_marked(message) or _name(message.func) == "list"
            )
            if plain or called:
                found.append(f"{node.lineno}: {_name(node.func)} with an unmarked message")
        skipping = isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript)
        if skipping and _name(node.target.value) == "skipped" and not _is_marked(node.target.slice):
            found.append(f"{node.lineno}: a reason for skipping rows that is not marked")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node not in docstrings
            and SENTENCE.match(node.value)
        ):
            parent = parents.get(node)
            while (
                parent is not None and not _is_marked(parent) and not isinstance(parent, ast.Raise)
            ):
                parent = parents.get(parent)
            raised = (
                isinstance(parent, ast.Raise)
                and isinstance(parent.exc, ast.Call)
                and _name(parent.exc.func) in PROGRAMMER_ERRORS
            )
            if parent is None or (isinstance(parent, ast.Raise) and not raised):
                found.append(f"{node.lineno}: the sentence {node.value[:50]!r} is not marked")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


READERS = sorted(p for p in SOURCES.glob("*.py") if p.name not in NOT_MESSAGES)


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.name)
def test_every_message_of_a_reader_is_a_marked_template(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_messages_that_would_reach_a_page_in_english() -> None:
    source = """
def read(errors, skipped, value):
    errors.append(RowError(1, "time", f"The time {value!r} is not a date."))
    errors.append(RowError(1, "time", "The time is missing."))
    message = "The value is not a number here."
    errors.append(RowError(1, "lat", message))
    skipped["blank row"] += 1
    raise SourceError(f"The file {value} is empty.")
"""
    found = problems(source)
    assert sorted({int(line.split(":")[0]) for line in found}) == [3, 4, 5, 7, 8], found


def test_marked_messages_pass_the_check() -> None:
    source = """
def read(errors, skipped, value):
    errors.append(RowError(1, "time", gettext_noop("The time %(v)r is not a date."),
                           params={"v": value}))
    template = gettext_noop("The value is not a number here.")
    errors.append(RowError(1, "lat", template))
    skipped[gettext_noop("blank row")] += 1
    raise SourceError(gettext_noop("The file is empty."))
"""
    assert problems(source) == []
