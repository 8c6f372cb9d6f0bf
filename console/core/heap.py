"""Keeping the garbage collector's full passes short while feeds run.

Under a feed's load every queued event outlives a young collection, so the collector makes a full pass every few
seconds, holding the GIL, and a full pass walks every object it tracks: over the objects of start-up (modules,
layers, the basemap, Qt wrappers of the window) one took 70-120 ms, and over xmlschema's tables (imported with the
first feed, 27,000 objects) 15-25 ms under load. Objects that live as long as the console are moved out of its way
once they are built; later passes walk only what came since. Freezing does not keep anything alive: an object whose
last reference goes is freed as before (only a reference cycle among frozen objects waits until unfreeze)."""
from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Call after building something that lives as long as the console (the window, the rules engine, the CAP
    schema): everything alive now is frozen."""
    gc.collect()
    gc.freeze()
