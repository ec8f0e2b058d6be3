"""`python -m apexlint`: the same command line as `apexlint`."""

from apexlint.cli import run

if __name__ == "__main__":
    run()
