"""reader: a terminal reader for article archives."""

__version__ = "0.1.0"
