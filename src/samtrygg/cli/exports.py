"""``samtrygg export agreement``: the collaboration agreement as Word or PDF.

It exports the newest signed or published version, else the newest draft, and says which. A
signed version is written as archived when it was signed (the same bytes and SHA-256 as the web
download, in Swedish whatever ``--language`` says); a version signed before archiving existed is
rendered from current data, with a warning on stderr. Exit status 0 on success, 2 (one plain
sentence) for an unknown partnership or no agreement.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    output = Path(args.output)
    if not output.parent.is_dir():
        raise CommandError(f"The folder {str(output.parent)!r} does not exist; create it first.")
    data, archived = document_bytes(agreement, args.format, args.language)
    output.write_bytes(data)
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
