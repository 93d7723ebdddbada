"""The static copy: each page as finished HTML until the reader's first interaction loads Dash.

    prerender.py      the page's layout rendered on the server: text, controls showing their
                      settings, charts as pictures (``pictures``), grids' first rows
    grid_copy.py      a grid's first rows as a plain table, in the grid's order and columns
    markdown_copy.py  the Markdown subset the pages write, as HTML
    hydration.py      Dash's scripts listed as inert tags, loaded by ``hydrate.js`` on the
                      first mouse move, touch, key, wheel or focus

Their browser halves are ``hydrate.js`` (here) and ``assets/prerender.js``. Every private API
of Dash they use is in ``app/dash_internals.py``, listed in docs/design.md and checked by
tests/test_private_apis.py.

May import: ``app.dash_internals``, ``app.server`` (the router's path argument), the views.
Not the pages, the pictures or the modules that tie them in (``app.index`` puts the copy,
its pictures and the scripts together). Re-exports nothing: ``index`` imports the parts.
"""
