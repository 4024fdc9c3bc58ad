"""Paja: a self-hosted live workshop board."""

__version__ = "0.1.0"
