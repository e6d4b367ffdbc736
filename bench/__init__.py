"""Benchmarks of the moderation service: ``python -m bench`` (see :mod:`bench.cli`).

Never imported by the service or the tests; nothing here asserts timings.
"""
