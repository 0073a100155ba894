"""``python -m syndata``: the syndata command."""

from syndata.cli import main

main()
