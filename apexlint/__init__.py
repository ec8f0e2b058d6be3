"""apexlint: a security linter for Salesforce managed packages (session-ID use)."""

__version__ = "0.1.0"

# The cyclic collector's thresholds while apexlint works: a scan allocates hundreds of thousands of
# small objects that live to its end or are freed by reference counting, and makes few cycles
# (`engine.scan`); a process that runs one command keeps them from its start (`cli.run`).
LAZY_COLLECTOR = (100_000, 50, 1000)
