"""``python -m desktop``: start the Kabar desktop app."""

from desktop.app import main

raise SystemExit(main())
