"""The demo: the partnership Karlskoga–Degerfors with made-up people, incidents and plans.

All demo data and its loaders live here, so that no app imports another through demo code; the
apps know nothing of the demo. ``samtrygg demo`` runs :func:`samtrygg.demo.run.run_demo`.

- :mod:`samtrygg.demo.partnership`: the partnership, organisations, accounts and areas;
- :mod:`samtrygg.demo.incidents`: two years of synthetic incidents (docs/demo-data.md);
- :mod:`samtrygg.demo.plans`: Brå's five steps, the lägesbild and the signed agreement;
- :mod:`samtrygg.demo.reference`: labelled example reference series;
- :mod:`samtrygg.demo.walks`: two example safety walks with their protocols;
- :mod:`samtrygg.demo.dialogues`: three example citizen dialogues with coded themes;
- :mod:`samtrygg.demo.run`: all of it in order, as ``samtrygg demo`` does.
"""
