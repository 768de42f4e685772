"""The integrator's view of a completed transaction: the result body, downloads."""
