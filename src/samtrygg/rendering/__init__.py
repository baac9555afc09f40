"""Django-free rendering: Word and PDF documents, static SVG maps and the reference chart.

The web apps make the content (text already translated, numbers already formatted) and pass
plain data; this package lays it out. Like :mod:`samtrygg.analysis` and :mod:`samtrygg.sources`
it never imports Django (``tests/test_architecture.py`` and ruff's banned-api rule check it).

- :mod:`samtrygg.rendering.documents`: blocks and sections as Word (python-docx) and PDF (fpdf2),
  the title page and the signature block of the agreement and the follow-up report.
- :mod:`samtrygg.rendering.svgmap`: static maps (polygons in a metric CRS, legend, scale bar).
- :mod:`samtrygg.rendering.maps`: the lägesbild's two maps drawn from their stored figures.
- :mod:`samtrygg.rendering.chart`: the reference data's line chart.
"""
