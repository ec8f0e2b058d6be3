"""`python -m apexlint`: the same command line as `apexlint`."""

import gc

from apexlint import LAZY_COLLECTOR

gc.set_threshold(*LAZY_COLLECTOR)  # before the command line's imports: see `cli.run`

from apexlint.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
