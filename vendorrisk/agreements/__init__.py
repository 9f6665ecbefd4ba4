"""Agreements with partner firms: NDAs first, and DPAs and master agreements of the same shape."""
