"""Bit-identical results before and after a change to the model's code.

Runs every shipped scenario (``scenarios/*.toml``) and a few variants on several seeds,
with the event log off and on (:mod:`sim.identical`), and stores or checks every table of
every run. A speed-up must leave every number as it was:

    python benchmarks/check_identical.py save /tmp/baseline     # before the change
    python benchmarks/check_identical.py check /tmp/baseline    # after it: exit 1 on a diff

It runs the build of the model this process imports (:func:`sim.model.build`); with
``REGIESIM_PURE=1`` the sources.
"""

from sim.identical import main

if __name__ == "__main__":
    main()
