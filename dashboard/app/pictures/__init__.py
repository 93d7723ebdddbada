"""Pictures of charts, painted by Chromium outside the web worker and kept on disk.

    svg.py     each chart as an SVG picture in the static copy: /pictures/<chart>.svg
    social.py  each page's social card: og:image, /images/<chart>.png (the export's PNG)
    paint.py   the server's one painter (``dashboard.export.painter``, one warm Chromium), shared by its workers
    warm.py    after ``serve`` starts: paints each page's opening pictures (a child process)

May import: ``app.cards`` (which chart a card draws, as a URL sets it), ``app.server``
(the disk cache), ``app.dash_internals``, the charts and the views. Not the pages, the
static copy or the modules that tie pictures in (``app.index``, ``app.meta``, ``app.embed``).
Importing this package loads nothing: ``warm`` runs as its own small process.
"""
