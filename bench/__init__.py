"""Benchmarks for issue 7: `make bench` runs bench.run (not part of the test suite)."""
