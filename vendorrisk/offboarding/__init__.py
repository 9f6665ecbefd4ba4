"""Ending a relationship: the firm loses access at once, is asked to return or destroy the
company's client data and certify it, and its data here is kept for a retention period."""
