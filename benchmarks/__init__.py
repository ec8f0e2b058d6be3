"""Benchmark for apexlint: a generator of large realistic SFDX packages and a runner that times scans.

Not part of the tool and not a timed test: `benchmarks/README.md` says how to run it and what each
number means.
"""
