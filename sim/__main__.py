"""``python -m sim`` does what the ``hedgesim`` command does."""

from sim.cli import main

raise SystemExit(main())
