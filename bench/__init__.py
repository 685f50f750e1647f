"""Benchmarks of the portal at province scale and beyond: ``python -m bench --scale N``."""
