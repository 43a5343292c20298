"""Benchmarks with England-scale synthetic data, timed through the real code paths.

`python -m bench` runs every benchmark; `python -m bench NAME [options]` runs one
(course_offers, gap_report, dashboards). Run them on PostgreSQL with a database of their own
(DATABASE_URL=postgres://...). They print figures and ratios; nothing here is a test.
"""
