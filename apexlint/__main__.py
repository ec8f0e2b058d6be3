"""`python -m apexlint`: the same command line as `apexlint`."""

from apexlint.cli import main

if __name__ == "__main__":
    main()
