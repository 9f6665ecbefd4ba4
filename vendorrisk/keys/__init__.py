"""Keys of the data at rest: each partner firm's data key (crypto-shredding), encrypted columns,
and rotating everything under a new master key (``flask keys``)."""
