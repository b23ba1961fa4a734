"""`python -m phtui.server`: run the local server from the command line."""

from phtui.server.cli import main

raise SystemExit(main())
