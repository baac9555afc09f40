"""The analysis core: hotspots, trends, near-repeat patterns, forecasts, evaluations.

This package never imports Django; the web application and the command line call it with
plain arrays. See ``docs/methods.md`` and ``docs/methods-reference.md`` for the methods.
"""
