"""Samtrygg: strategic, systematic crime-prevention work for Swedish local partnerships."""

__version__ = "0.1.0"
