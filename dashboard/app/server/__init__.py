"""The web server under the pages: serving, hardening, answers kept in memory, data by URL.

    serving.py         production serving: gunicorn with gevent workers, debug off
    worker.py          the gunicorn worker: a read deadline, security headers on its own errors
    security.py        headers, request limits, 4xx for malformed requests, /health
    shapes.py          the shape a callback request must have, from the callback's declaration
    memo.py            callback answers kept per worker, bounded in bytes
    boundedlog.py      logging a hostile client cannot turn into a full disk
    gunicorn_log.py    gunicorn's own error and access logs behind the same bound
    bytecache.py       the byte-bounded LRU every in-process answer cache is
    offload.py         a request's heavy CPU work off the gevent loop (the hub's thread pool)
    routing.py         the page router's inputs: the path wins over the query string
    bundles.py         compression, trimmed vendored bundles, only the bundles a page needs
    data_routes.py     /data/observations.csv|json and /data/<chart>.csv
    figure_routes.py   /figure/country-share.json: a live chart's figure for the browser to draw
    frozen.py          layouts and answers with their static HTML as one component each
    dataset_routes.py  /data/snapshot.csv.zip and .parquet.zip: the whole dataset
    diskcache.py       files made once and served many times, kept per snapshot and code

May import: ``app.dash_internals``, the charts and the views; nothing else of the app, but
``serving.run``, which imports the app it serves (``create_app``) once gevent has patched
the standard library. (``figure_routes`` is handed the page's figure function by
``create_app``; it imports no page.) Importing this package loads nothing: the CLI imports ``serving``
before that patch, and gunicorn imports ``worker`` after it.
"""
