"""The performance machinery, fenced: what makes the first load light, and the private APIs it needs.

    prerender.py  a server-rendered static copy of each page, shown until Dash has drawn it
    bundles.py    compression, trimmed vendored bundles, and only the bundles a page needs

Their browser halves are ``assets/prerender.js``, ``assets/defer.js`` (charts below the fold
drawn when seen) and ``assets/lazy-grid.js``. Every private API of Dash they use is listed
in docs/design.md and checked by tests/test_private_apis.py.
"""
