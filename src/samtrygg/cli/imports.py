"""``samtrygg import incidents|polisen|reference|survey|gazetteer``: bulk imports, one-line or
JSON summary.

Exit status 0 on success, 2 when nothing was imported because of errors. The command speaks
English, like the rest of the command line: the readers' messages and the reasons for skipped rows
are printed in English (the web pages show them in the user's language).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_ERRORS = 2
POLISEN_USER_AGENT = "Samtrygg/0.1 (open-source crime-prevention software; polls for history)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import`` and its subcommands."""
    parser = subparsers.add_parser("import", help="import incidents or police events")
    inner = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")

    inc = inner.add_parser("incidents", help="a partner's CSV or Excel incident log")
    inc.add_argument("file", metavar="FILE")
    inc.add_argument("--partnership", required=True, metavar="SLUG")
    inc.add_argument("--organisation", required=True, metavar="ORG", help="organisation short name")
    inc.add_argument(
        "--mapping",
        metavar="FILE",
        help="JSON {our column: their column} (default: the organisation's saved choice)",
    )
    inc.add_argument(
        "--values",
        metavar="FILE",
        help='JSON of the partner\'s own words, e.g. {"category": {"Klotter": '
        '"skadegörelse/klotter"}}; saved for the organisation when the import succeeds',
    )
    inc.add_argument(
        "--sharing",
        choices=("organisation", "partnership"),
        default="partnership",
        help="who sees the incidents' details (default: the partnership)",
    )
    inc.add_argument("--format", choices=("text", "json"), default="text")
    inc.set_defaults(func=_in_english(_json_on_refusal(_run_incidents, file_keys=True)))

    pol = inner.add_parser("polisen", help="events in the police events API format")
    pol.add_argument(
        "file", metavar="FILE", nargs="?", help="JSON list, optionally gzip-compressed"
    )
    pol.add_argument("--live", action="store_true", help="fetch the latest events from polisen.se")
    pol.add_argument("--partnership", required=True, metavar="SLUG")
    pol.add_argument(
        "--include-summaries", action="store_true", help="keep 'Sammanfattning' events"
    )
    pol.add_argument("--state", metavar="FILE", help="rate-limit state file for --live")
    pol.add_argument("--format", choices=("text", "json"), default="text")
    pol.set_defaults(func=_in_english(_json_on_refusal(_run_polisen, file_keys=True)))

    gaz = inner.add_parser(
        "gazetteer",
        help=(
            "streets and addresses from an OpenStreetMap extract "
            "(.osm.pbf, .osm, GeoJSON or GeoPackage)"
        ),
    )
    gaz.add_argument("file", metavar="FILE")
    gaz.add_argument("--partnership", required=True, metavar="SLUG")
    gaz.add_argument("--format", choices=("text", "json"), default="text")
    gaz.set_defaults(func=_in_english(_run_gazetteer))

    ref = inner.add_parser(
        "reference", help="reference data for the lägesbild: a Kolada JSON answer or a Brå table"
    )
    ref.add_argument("file", metavar="FILE")
    ref.add_argument("--partnership", required=True, metavar="SLUG")
    ref.add_argument("--kind", required=True, choices=("kolada", "bra"))
    ref.add_argument("--name", default="", help="the indicator's name (Kolada's answer has none)")
    ref.add_argument("--unit", default="", help="the unit, e.g. 'per 100 000 invånare'")
    ref.add_argument("--format", choices=("text", "json"), default="text")
    ref.set_defaults(func=_in_english(_json_on_refusal(_run_reference)))

    srv = inner.add_parser(
        "survey",
        help="safety-survey results: the police's trygghetsmätning, SCB's index, NTU or own",
    )
    srv.add_argument("file", metavar="FILE")
    srv.add_argument("--partnership", required=True, metavar="SLUG")
    srv.add_argument("--kind", required=True, choices=("polisen", "scb", "ntu", "own"))
    srv.add_argument("--format", choices=("text", "json"), default="text")
    srv.set_defaults(func=_in_english(_json_on_refusal(_run_survey)))


def _in_english(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run an import with English as the active language, so that its messages match the
    command's English summary lines (Django's default language is Swedish)."""

    def wrapper(args: argparse.Namespace) -> int:
        from samtrygg.cli import setup_django

        setup_django()
        from django.utils import translation

        with translation.override("en"):
            return run(args)

    return wrapper


def _json_on_refusal(
    run: Callable[[argparse.Namespace], int], *, file_keys: bool = False
) -> Callable[[argparse.Namespace], int]:
    """With ``--format json``, a refused command (no such partnership, file …) prints the JSON
    summary with its message too, so that scripts always read one object; the message still
    goes to stderr and the exit status is 2."""

    def wrapper(args: argparse.Namespace) -> int:
        from samtrygg.cli import CommandError

        try:
            return run(args)
        except CommandError as exc:
            if args.format == "json":
                error = {"row": None, "field": None, "message": str(exc)}
                empty: dict[str, Any] = {
                    "created": 0, "unchanged": 0, "skipped": 0, "skipped_reasons": {}
                }  # fmt: skip
                if file_keys:  # the keys of the file imports' summary (ImportSummary.as_dict)
                    empty.update({"encoding": None, "unmapped": []})
                if args.source == "incidents":
                    empty |= {"placed": {}, "to_review": 0}
                print(json.dumps({**empty, "errors": [error]}, ensure_ascii=False))
            raise

    return wrapper


def _report(args: argparse.Namespace, summary: Any, what: str) -> int:
    if args.format == "json":
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        print(summary.line(what))
        for e in summary.errors[:50]:
            where = f"row {e['row']}" if e["row"] is not None else "file"
            field = f", {e['field']}" if e["field"] else ""
            print(f"  {where}{field}: {e['message']}")
        if len(summary.errors) > 50:
            print(f"  … and {len(summary.errors) - 50} more")
        for line in getattr(summary, "unmapped_lines", list)():
            print(f"  {line}")
    return EXIT_ERRORS if summary.errors else 0


def _read(path: str) -> bytes:
    from samtrygg.cli import CommandError

    p = Path(path)
    if not p.is_file():
        raise CommandError(f"The file {path!r} does not exist.")
    return p.read_bytes()


def _partnership(slug: str) -> Any:
    from samtrygg.cli import CommandError
    from samtrygg.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise CommandError(f"There is no partnership {slug!r}; check the short name.")
    return partnership


def _check_mapping(mapping: dict[str, Any]) -> None:
    """Refuse a mapping with unknown fields or non-text column names, saying what to write."""
    from samtrygg.cli import CommandError
    from samtrygg.sources.tabular import FIELDS

    unknown = sorted(k for k in mapping if k not in FIELDS)
    if unknown:
        raise CommandError(
            f"The mapping file names unknown fields {unknown}; its keys must be among "
            f"{', '.join(FIELDS)} (our fields) and its values your column names."
        )
    not_text = sorted(k for k, v in mapping.items() if not isinstance(v, str))
    if not_text:
        raise CommandError(
            f"In the mapping file, {not_text} must be column names in quotes, e.g. "
            '{"time": "Datum"}.'
        )


def _run_incidents(args: argparse.Namespace) -> int:
    from samtrygg.cli import CommandError, setup_django

    setup_django()
    from samtrygg.incidents import mappings
    from samtrygg.incidents.importing import (
        ImportSummary,
        errors_as_dicts,
        import_incidents,
        unmapped_as_dicts,
    )
    from samtrygg.web.serve import prepare_database

    prepare_database()
    from samtrygg.sources import tabular
    from samtrygg.sources.errors import SourceError

    partnership = _partnership(args.partnership)
    organisation = partnership.organisations.filter(slug=args.organisation).first()
    if organisation is None:
        names = ", ".join(partnership.organisations.values_list("slug", flat=True))
        raise CommandError(
            f"There is no organisation {args.organisation!r} in {args.partnership}; "
            f"choose one of: {names}."
        )
    mapping = None
    if args.mapping:
        try:
            mapping = json.loads(_read(args.mapping))
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"The mapping file {args.mapping!r} is not valid JSON: {exc.msg}."
            ) from exc
        if not isinstance(mapping, dict):
            raise CommandError(
                "The mapping file must hold a JSON object {our column: their column}."
            )
        _check_mapping(mapping)
    values = _values_file(args.values) if args.values else None
    data = _read(args.file)
    name = Path(args.file).name
    try:
        if mapping is None:
            mapping = mappings.saved_columns(organisation, tabular.preview(data, name).headers)
        summary = import_incidents(
            partnership, organisation, data, name, mapping=mapping, values=values,
            sharing=args.sharing,
        )  # fmt: skip
    except SourceError as exc:
        summary = ImportSummary(errors=errors_as_dicts(exc), placed={})
        try:
            found = mappings.unmapped(partnership, organisation, data, name, mapping)
        except SourceError:
            found = []  # the file's problems are in the errors already
        summary.unmapped = unmapped_as_dicts(found)
    else:
        if values:
            mappings.save(organisation, None, values)
    return _report(args, summary, "incidents")


def _values_file(path: str) -> dict[str, dict[str, str]]:
    """Read ``--values``: {field: {their value: ours}} for category and assessment."""
    from samtrygg.cli import CommandError
    from samtrygg.incidents.mappings import MAPPED_FIELDS

    try:
        values = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise CommandError(f"The values file {path!r} is not valid JSON: {exc.msg}.") from exc
    example = '{"category": {"Klotter": "skadegörelse/klotter"}, "assessment": {"Hög": "3"}}'
    if not isinstance(values, dict) or not all(
        isinstance(words, dict) and all(isinstance(v, str) for v in words.values())
        for words in values.values()
    ):
        raise CommandError(f"The values file must hold a JSON object such as {example}.")
    unknown = sorted(k for k in values if k not in MAPPED_FIELDS)
    if unknown:
        raise CommandError(
            f"The values file names {unknown}; its keys must be among "
            f"{', '.join(MAPPED_FIELDS)}, e.g. {example}."
        )
    return values


def _run_polisen(args: argparse.Namespace) -> int:
    from samtrygg.cli import CommandError, setup_django

    setup_django()
    from django.conf import settings

    from samtrygg.incidents.importing import ImportSummary, errors_as_dicts, import_polisen
    from samtrygg.sources import polisen
    from samtrygg.sources.errors import FetchError, SourceError
    from samtrygg.web.serve import prepare_database

    prepare_database()

    if bool(args.file) == bool(args.live):
        raise CommandError("Give either a FILE or --live.")
    partnership = _partnership(args.partnership)
    if args.live:
        state = Path(args.state) if args.state else settings.DATA_DIR / "polisen-rate.json"
        state.parent.mkdir(parents=True, exist_ok=True)
        try:
            data = polisen.fetch_live(POLISEN_USER_AGENT, state_path=state)
        except FetchError as exc:
            raise CommandError(str(exc)) from exc
        name = "polisen.se/api/events"
    else:
        data, name = _read(args.file), Path(args.file).name
    try:
        summary = import_polisen(partnership, data, name, include_summaries=args.include_summaries)
    except SourceError as exc:
        summary = ImportSummary(errors=errors_as_dicts(exc))
    return _report(args, summary, "police events")


def _run_reference(args: argparse.Namespace) -> int:
    from samtrygg.cli import setup_django

    setup_django()
    from samtrygg.reference.services import import_reference
    from samtrygg.web.serve import prepare_database

    prepare_database()
    partnership = _partnership(args.partnership)
    data = _read(args.file)
    summary = import_reference(
        partnership, data, Path(args.file).name, args.kind, name=args.name, unit=args.unit
    )
    return _report(args, summary, "reference values")


def _run_survey(args: argparse.Namespace) -> int:
    from samtrygg.cli import setup_django

    setup_django()
    from samtrygg.surveys.services import import_survey
    from samtrygg.web.serve import prepare_database

    prepare_database()
    partnership = _partnership(args.partnership)
    data = _read(args.file)
    summary = import_survey(partnership, data, Path(args.file).name, args.kind)
    return _report(args, summary, "survey figures")


def _run_gazetteer(args: argparse.Namespace) -> int:
    """Replace the partnership's OpenStreetMap streets and addresses; exit 2 on a refused file."""
    from samtrygg.cli import setup_django

    setup_django()
    from samtrygg.gazetteer.services import import_osm
    from samtrygg.incidents.importing import errors_as_dicts
    from samtrygg.sources.errors import SourceError
    from samtrygg.web.serve import prepare_database

    prepare_database()
    partnership = _partnership(args.partnership)
    data = _read(args.file)
    result: dict[str, Any] = {"addresses": 0, "streets": 0, "skipped": 0, "errors": []}
    try:
        places = import_osm(partnership, data, Path(args.file).name)
    except SourceError as exc:
        result["errors"] = errors_as_dicts(exc)
    else:
        result |= {
            "addresses": places.addresses,
            "streets": places.streets,
            "skipped": places.skipped,
        }
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    elif result["errors"]:
        print("gazetteer: nothing imported")
        for e in result["errors"][:50]:
            where = f"feature {e['row']}" if e["row"] is not None else "file"
            field = f", {e['field']}" if e["field"] else ""
            print(f"  {where}{field}: {e['message']}")
    else:
        print(
            f"gazetteer: {result['addresses']} addresses, {result['streets']} streets "
            f"({result['skipped']} other features skipped)"
        )
    return EXIT_ERRORS if result["errors"] else 0
