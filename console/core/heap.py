"""Keeping the garbage collector's full passes short while feeds run.

Under a feed's load every queued event outlives a young collection, so the collector makes a full pass every few
seconds, holding the GIL, and a full pass walks every object it tracks: over the objects of start-up (modules,
layers, the basemap, Qt wrappers of the window) one took 70-120 ms, and over xmlschema's tables (imported with the
first feed, 27,000 objects) 15-25 ms under load. Objects that live as long as the console are moved out of its way
once they are built; later passes walk only what came since. Freezing does not keep anything alive: an object whose
last reference goes is freed as before (only a reference cycle among frozen objects waits until unfreeze).

Freezing leaves the oldest generation small, and CPython makes a full pass once it grew by a quarter and the middle
generation was collected 10 times: a feed's queued events (each outlives a young pass) did both every second or two,
6-8 full passes in 10 s of bench/ingest.py, the longest 9-20 ms, some in the middle of an ingest tick. After
FULL_PASS_AFTER middle passes instead: none or one in those 10 s, the longest collection of any kind 2-9 ms."""
from __future__ import annotations

import gc

FULL_PASS_AFTER = 100  # collections of the middle generation before a full pass may run (CPython's default: 10)


def collect_less_often() -> None:
    """Full passes wait for FULL_PASS_AFTER passes of the middle generation; the young ones are as CPython sets them."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_AFTER)


def freeze_long_lived() -> None:
    """Call after building something that lives as long as the console (the window, the rules engine, the CAP
    schema): everything alive now is frozen."""
    gc.collect()
    gc.freeze()
