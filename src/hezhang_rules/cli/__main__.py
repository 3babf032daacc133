"""``python -m hezhang_rules.cli``."""

from hezhang_rules.cli import main

raise SystemExit(main())
