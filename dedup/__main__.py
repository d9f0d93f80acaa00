"""``python -m dedup``: the command line (see :mod:`dedup.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
