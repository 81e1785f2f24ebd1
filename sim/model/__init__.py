"""The SimPy world: one module per actor kind, plus the municipality state."""
