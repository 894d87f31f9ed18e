"""Measurement: events → dyadic series; the dyad panel that joins all series on one time axis."""
