"""The static copy: each page as finished HTML until the reader's first interaction loads Dash.

    prerender.py      the page's layout rendered on the server: text, controls showing their
                      settings, charts as pictures (``pictures``), grids' rows
    grid_copy.py      a grid's rows as a plain table, in the grid's order and columns: every
                      row of an index page's grid (/countries), a long grid's first screen
    markdown_copy.py  the Markdown subset the pages write, as HTML
    hydration.py      Dash's scripts listed as inert tags, loaded by ``hydrate.js`` on the
                      first mouse move, touch, key, wheel or focus
    page_cache.py     whole pages kept per worker, by bytes: each URL's page is built once per
                      data snapshot and day, then answered from memory

Their browser halves are ``hydrate.js`` (here) and ``assets/prerender.js``. Every private API
of Dash they use is in ``app/dash_internals.py``, listed in docs/design.md and checked by
tests/test_private_apis.py.

May import: ``app.dash_internals``, ``app.server`` (the router's path argument, the byte-bounded
LRU), the views.
Not the pages, the pictures or the modules that tie them in (``app.index`` puts the copy,
its pictures and the scripts together). Re-exports nothing: ``index`` imports the parts.
"""
