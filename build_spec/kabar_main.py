"""Entry script of the bundled ``kabar`` program (PyInstaller runs it as ``__main__``)."""

from desktop.launcher import main

raise SystemExit(main())
