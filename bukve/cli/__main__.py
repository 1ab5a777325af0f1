"""`python -m bukve.cli`: the `bukve` command."""

import sys

from bukve.cli import main

sys.exit(main())
