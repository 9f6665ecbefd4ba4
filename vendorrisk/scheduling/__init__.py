"""Scheduling: the worker process (one leader runs every sweep), its jobs and their record."""
