"""`python -m portkey_ai.admin.cli`: the `portkey` command."""

import sys

from . import main

sys.exit(main())
