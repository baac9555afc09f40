"""The ``samtrygg`` command: serve, demo, manage, import …, analyse …, export ….

Errors a user can fix are printed as one plain sentence and the command exits with status 2;
no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from samtrygg.analysis.errors import AnalysisError

EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; the message says how."""


def setup_django(*, web: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtrygg.web.settings")
    if not web:
        # Imports, exports and management commands may run long statements on purpose; the
        # statement timeout is for the web server (unless set explicitly).
        os.environ.setdefault("SAMTRYGG_DB_STATEMENT_TIMEOUT", "0")
    import django

    django.setup()


def _cmd_serve(args: argparse.Namespace) -> int:
    setup_django(web=True)
    from samtrygg.web.serve import serve

    serve(port=args.port, host=args.host, migrate=not args.no_migrate)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    # The demo runs over plain HTTP on this machine; production sets SAMTRYGG_SECURE and its key.
    os.environ.setdefault("SAMTRYGG_SECURE", "0")
    if args.incidents is not None and args.incidents < 0:
        raise CommandError("--incidents must be 0 or more.")
    if not os.environ.get("SECRET_KEY"):
        from samtrygg.web import local_key

        # A key kept in the data directory also serves `samtrygg import/export` afterwards.
        directory = local_key.data_dir()
        if local_key.ensure_local_key(directory):
            print(
                f"Made a secret key for this set-up: {directory / local_key.KEY_FILE}",
                file=sys.stderr,
            )
    setup_django(web=True)
    from samtrygg.demo.run import run_demo

    run_demo(seed=args.seed, incidents=args.incidents)
    if not args.no_serve:
        from samtrygg.web.serve import serve

        serve(port=args.port, host=args.host, migrate=False)
    return 0


def _cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samtrygg manage", *args.rest])
    return 0


def _default_port() -> int:
    raw = os.environ.get("PORT", "8000")
    try:
        return int(raw)
    except ValueError as exc:
        raise CommandError(f"PORT={raw!r} is not a port number; set it to e.g. 8000.") from exc


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the documentation test)."""
    parser = argparse.ArgumentParser(
        prog="samtrygg",
        description="Samtrygg: local crime-prevention work, from picture to follow-up.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the web application")
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 8000)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not migrate the database first"
    )
    serve.set_defaults(func=_cmd_serve)

    demo = sub.add_parser("demo", help="load the demo partnership Karlskoga–Degerfors and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and stop")
    demo.add_argument(
        "--incidents",
        type=int,
        default=None,
        metavar="N",
        help="number of synthetic incidents (default about 3,000 over two years)",
    )
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--host", default="127.0.0.1")
    demo.set_defaults(func=_cmd_demo)

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_cmd_manage)

    from samtrygg.cli import analyse, exports, imports

    imports.register(sub)
    exports.register(sub)
    analyse.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "port", "absent") is None:
            args.port = _default_port()
        result = args.func(args)
    except (CommandError, AnalysisError) as exc:
        print(f"samtrygg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        # A configuration mistake (e.g. no SECRET_KEY) is the user's to fix: say it plainly.
        if type(exc).__name__ == "ImproperlyConfigured":
            print(f"samtrygg: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
