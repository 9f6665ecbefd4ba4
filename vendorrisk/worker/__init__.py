"""The background worker: one leader process runs every scheduled sweep (``flask worker``)."""
