"""``python -m server``: the same as ``kabar-server``."""

import sys

from server.cli import main

sys.exit(main())
