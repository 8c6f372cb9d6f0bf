"""Live feeds: adapters that run off the GUI thread and only put validated events on a queue."""
