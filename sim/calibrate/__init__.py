"""The article's claims as constraints, calibrations drawn from the set they support, and
the answers as distributions over it (issue 12).

Modules, in the direction data flows:

- :mod:`~sim.calibrate.constraints` the ledger's constraints (``seeds/claims.yaml``), parsed
  once and evaluated over a batch of calibrations;
- :mod:`~sim.calibrate.setting` what a scenario holds fixed (its situation) and its horizon;
- :mod:`~sim.calibrate.sampler` uniform draws from the supported set (rejection,
  hit-and-run);
- :mod:`~sim.calibrate.conflicts` a contradictory ledger's smallest conflicting set;
- :mod:`~sim.calibrate.calibration` ``hedgesim calibrate``;
- :mod:`~sim.calibrate.commands` the CLI's part.
"""
