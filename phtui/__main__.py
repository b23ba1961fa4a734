from phtui.cli import main

raise SystemExit(main())
