"""apexlint: a security linter for Salesforce managed packages (session-ID use)."""

__version__ = "0.1.0"
