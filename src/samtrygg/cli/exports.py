"""``samtrygg export agreement|lagesbild|plan``: the partnership's documents as Word or PDF.

``export agreement`` exports the newest signed or published version, else the newest draft, and
says which. A signed version is written as archived when it was signed (the same bytes and
SHA-256 as the web download, in Swedish whatever ``--language`` says); a version signed before
archiving existed is rendered from current data, with a warning on stderr.

``export lagesbild`` (the yearly lägesbild of the newest year, or ``--year``) and ``export plan``
(the action plan) take the newest adopted version, else the newest draft, or ``--version N``.
They export what a coordinator sees: every count, every measure with its activities and
indicators (the web download gives each reader what their page shows).

Exit status 0 on success, 2 (one plain sentence) for an unknown partnership, no such document
or version, or an output file that cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

COORDINATOR_NOTE = (
    "It holds what a coordinator sees (every count unhidden): share it as the page would."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` and its subcommands."""
    parser = subparsers.add_parser("export", help="export documents")
    inner = parser.add_subparsers(dest="document", required=True, metavar="DOCUMENT")

    agr = inner.add_parser(
        "agreement", help="the collaboration agreement with citizen promises (docx or pdf)"
    )
    agr.add_argument("--partnership", required=True, metavar="SLUG")
    agr.add_argument("--format", choices=("docx", "pdf"), required=True)
    agr.add_argument("--output", required=True, metavar="FILE")
    agr.add_argument(
        "--language", choices=("sv", "en"), default="sv", help="document language (default sv)"
    )
    agr.set_defaults(func=_run_agreement)

    lb = inner.add_parser(
        "lagesbild",
        help="the yearly lägesbild (docx or pdf), as a coordinator sees it",
        description=(
            "The yearly lägesbild of the newest year (or --year): the newest adopted version, "
            "else the newest draft, or --version N. It is exported as a coordinator sees it, "
            "with every count (the web download hides small counts from those who may not see "
            "them)."
        ),
    )
    _document_arguments(lb)
    lb.add_argument(
        "--year", type=int, metavar="YEAR", help="the lägesbild's year (default: newest)"
    )
    lb.set_defaults(func=_run_lagesbild)

    plan = inner.add_parser(
        "plan",
        help="the action plan (docx or pdf), as a coordinator sees it",
        description=(
            "The action plan: the newest adopted version, else the newest draft, or --version N. "
            "It is exported as a coordinator sees it: the measures with their activities "
            "(responsible, deadline) and the goals' indicators."
        ),
    )
    _document_arguments(plan)
    plan.set_defaults(func=_run_plan)


def _document_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partnership", required=True, metavar="SLUG")
    parser.add_argument("--format", choices=("docx", "pdf"), required=True)
    parser.add_argument("--output", required=True, metavar="FILE")
    parser.add_argument(
        "--version", type=int, metavar="N", help="this version (default: the newest adopted)"
    )
    parser.add_argument(
        "--language", choices=("sv", "en"), default="sv", help="document language (default sv)"
    )


def _partnership(slug: str) -> Any:
    from samtrygg.cli import CommandError, setup_django

    setup_django()
    from samtrygg.web.serve import prepare_database

    prepare_database()
    from samtrygg.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise CommandError(f"There is no partnership {slug!r}; check the short name.")
    return partnership


def _checked_output(name: str) -> Path:
    """The output path, refused before any work when its folder is missing or not writable."""
    import os

    from samtrygg.cli import CommandError

    output = Path(name)
    if not output.parent.is_dir():
        raise CommandError(f"The folder {str(output.parent)!r} does not exist; create it first.")
    if output.is_dir():
        raise CommandError(f"{str(output)!r} is a folder; give a file name to write to.")
    if not os.access(output if output.exists() else output.parent, os.W_OK):
        raise CommandError(f"Cannot write to {str(output)!r}; choose a file you may write.")
    return output


def _write(output: Path, data: bytes) -> None:
    from samtrygg.cli import CommandError

    try:
        output.write_bytes(data)
    except OSError as exc:
        raise CommandError(
            f"Cannot write to {str(output)!r} ({exc.strerror}); choose a file you may write."
        ) from exc


def _pick(documents: Any, version: int | None, missing_version: str) -> Any:
    """The asked version, else the newest adopted, else the newest draft."""
    from samtrygg.cli import CommandError
    from samtrygg.freezing import ADOPTED_FROZEN

    if version is not None:
        found = documents.filter(version=version).order_by("-created_at").first()
        if found is None:
            versions = sorted(set(documents.values_list("version", flat=True)))
            raise CommandError(
                f"{missing_version} has no version {version}; "
                f"there are versions {', '.join(map(str, versions))}."
            )
        return found
    adopted = documents.filter(status__in=ADOPTED_FROZEN).order_by("-version", "-created_at")
    return adopted.first() or documents.order_by("-version", "-created_at").first()


def _said(doc: Any) -> str:
    return "the adopted" if doc.is_frozen else f"the {doc.status} (not adopted)"


def _run_lagesbild(args: argparse.Namespace) -> int:
    from samtrygg.cli import CommandError

    partnership = _partnership(args.partnership)
    output = _checked_output(args.output)
    from samtrygg.lagesbild import documents
    from samtrygg.lagesbild.models import Lagesbild

    all_years = Lagesbild.objects.filter(partnership=partnership)
    year: int | None = args.year or (
        all_years.order_by("-year").values_list("year", flat=True).first()
    )
    of_year = all_years.filter(year=year) if year is not None else all_years.none()
    if not of_year.exists():
        which = f"lägesbild for {args.year}" if args.year else "yearly lägesbild"
        raise CommandError(
            f"{partnership.name} has no {which} yet; start one on its lägesbild page."
        )
    doc = _pick(of_year, args.version, f"The lägesbild {year} of {partnership.name}")
    _write(output, documents.build(doc, args.format, exact=True, lang=args.language))
    print(
        f"Wrote {_said(doc)} lägesbild {doc.title!r}, version {doc.version} ({doc.status}), "
        f"to {output}."
    )
    print(COORDINATOR_NOTE)
    return 0


def _run_plan(args: argparse.Namespace) -> int:
    from samtrygg.cli import CommandError

    partnership = _partnership(args.partnership)
    output = _checked_output(args.output)
    from samtrygg.plans import documents
    from samtrygg.plans.models import ActionPlan

    plans = ActionPlan.objects.filter(partnership=partnership)
    if not plans.exists():
        raise CommandError(
            f"{partnership.name} has no action plan yet; start one on its action plans page."
        )
    plan = _pick(plans, args.version, f"The action plan of {partnership.name}")
    _write(output, documents.build(plan, args.format, reads_work=True, lang=args.language))
    print(
        f"Wrote {_said(plan)} action plan {plan.title!r}, version {plan.version} "
        f"({plan.status}), to {output}."
    )
    print(COORDINATOR_NOTE)
    return 0


def _run_agreement(args: argparse.Namespace) -> int:
    from samtrygg.cli import CommandError, setup_django

    setup_django()
    from samtrygg.web.serve import prepare_database

    prepare_database()
    from samtrygg.agreements.archive import ARCHIVE_LANGUAGE, document_bytes
    from samtrygg.agreements.models import Agreement
    from samtrygg.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=args.partnership).first()
    if partnership is None:
        raise CommandError(f"There is no partnership {args.partnership!r}; check the short name.")
    agreement = Agreement.objects.latest_for_export(partnership)
    if agreement is None:
        raise CommandError(
            f"{partnership.name} has no collaboration agreement yet; start one on its "
            "agreement page."
        )
    output = _checked_output(args.output)
    data, archived = document_bytes(agreement, args.format, args.language)
    _write(output, data)
    which = {
        "published": "the published",
        "signed": "the signed",
        "review": "the draft under review (not yet signed)",
    }.get(agreement.status, "the draft (not yet signed)")
    print(
        f"Wrote {which} agreement {agreement.title!r}, version {agreement.version} "
        f"({agreement.status}), to {output}."
    )
    if archived is not None:
        print(f"It is the archived copy as signed; SHA-256 {archived.sha256}.")
        if args.language != ARCHIVE_LANGUAGE:
            print(
                f"Warning: the archived copy is in Swedish, as signed; --language "
                f"{args.language} applies only to drafts.",
                file=sys.stderr,
            )
    elif agreement.is_frozen:
        print(
            f"Warning: version {agreement.version} has no archived copy (signed before archiving "
            "existed); it was generated from current data, which may differ from what was signed.",
            file=sys.stderr,
        )
    return 0
