"""Shipped data files and their provenance (SOURCES.md)."""

from pathlib import Path

DATA_DIR = Path(__file__).parent
