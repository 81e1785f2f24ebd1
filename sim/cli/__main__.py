"""``python -m sim.cli``: the ``regiesim`` command line."""

from sim.cli import main

main()
