"""Defence-spending dashboard: published defence-budget figures, pledges and money gaps."""

__version__ = "0.1.0"
