"""The page's meta tags: description and social-card tags, with absolute URLs from configuration.

Dash's own page meta tags put ``request.url`` into ``twitter:url``, so whatever Host
header a client sent was echoed into the page. Here absolute URLs are built only from
the configured public address (``serve --public-url`` or
``DEFENCE_DASHBOARD_PUBLIC_URL``); without one the tags that need them are left out.
"""

from __future__ import annotations

import re
from html import escape

import dash

from dashboard.app.pictures import social
from dashboard.app.server.routing import template_regex
from dashboard.errors import DashboardError

ENV_PUBLIC_URL = "DEFENCE_DASHBOARD_PUBLIC_URL"
DESCRIPTION = ("How much each country spends on defence, how far it is from what it promised, and what "
               "closing the gap costs, from published figures (SIPRI, NATO, World Bank, Eurostat).")
SITE_NAME = "Defence spending and pledges"


PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?")


def public_url(value: str) -> str:
    """A checked public address without its trailing slash ("" for none); one-line error otherwise."""
    value = value.strip()
    if value and not PUBLIC_URL.fullmatch(value):
        raise DashboardError(f"public URL {value[:60]!r} is not an http(s) address such as https://example.org")
    return value.rstrip("/")


def page_title(path: str) -> str:
    """The title of the page at ``path`` (the site's name for an unknown path)."""
    for page in dash.page_registry.values():
        template = page.get("path_template")
        variables: dict[str, str] = {}
        if template:
            match = template_regex(template).fullmatch(path.strip("/"))
            if not match:
                continue
            variables = match.groupdict()
        elif page.get("path", "").strip("/") != path.strip("/"):
            continue
        title = page.get("title", SITE_NAME)
        return str(title(**variables) if callable(title) else title)
    return SITE_NAME


def tags(path: str, public_url: str = "", search: str = "") -> str:
    """``<meta>`` tags for the page at ``path`` (and ``search``, the query the main chart follows);
    og:url only when ``public_url`` is set.

    og:image is the print-styled PNG of the page's main chart (``social.main_card``); its URL
    is made absolute from ``public_url`` only — without one it is the site path, which some
    crawlers resolve and others ignore (``serve --public-url`` for social cards everywhere).
    The image itself is made when that URL is first asked for, never here.
    """
    title = page_title(path)
    main = social.main_card(path, search)
    pairs = [("property", "og:title", title), ("property", "og:type", "website"),
             ("property", "og:site_name", SITE_NAME), ("property", "og:description", DESCRIPTION),
             ("name", "twitter:card", "summary_large_image" if main else "summary"), ("name", "twitter:title", title),
             ("name", "twitter:description", DESCRIPTION)]
    if public_url:
        pairs.append(("property", "og:url", public_url + path))
    if main:
        image = public_url + social.image_url(main)
        width, height = social.IMAGE_SIZE
        alt = f"Chart: {main.built.title}"
        pairs += [("property", "og:image", image), ("property", "og:image:type", "image/png"),
                  ("property", "og:image:width", str(width)), ("property", "og:image:height", str(height)),
                  ("property", "og:image:alt", alt), ("name", "twitter:image", image),
                  ("name", "twitter:image:alt", alt)]
    return "\n".join(f'<meta {kind}="{escape(name)}" content="{escape(value, quote=True)}">'
                     for kind, name, value in pairs)
