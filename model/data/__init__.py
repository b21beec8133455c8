"""Shipped data files and their provenance (SOURCES.md)."""
