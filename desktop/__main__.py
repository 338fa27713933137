"""``python -m desktop``: start the Kabar desktop app."""

from desktop.launcher import main

raise SystemExit(main())
