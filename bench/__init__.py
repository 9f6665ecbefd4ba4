"""The benchmark of issue 10: a data generator, a framework floor, a load driver and the run.

Run it with ``make bench`` (see the README's "Benchmark" section); nothing here is imported by
the portal or its tests, except the generator's smoke test.
"""
