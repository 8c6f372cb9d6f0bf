"""Colours the views share, so that a severity looks the same on the map, in the desk and on the timeline."""

SEVERITY_COLOURS = {"minor": "#566573", "moderate": "#b7950b", "severe": "#d35400", "extreme": "#b03a2e"}
SIGNAL_COLOURS = {"blue": "#1f5fbf", "yellow": "#f4d03f", "orange": "#e67e22", "red": "#c0392b"}
# the response level (IV lowest … I highest) in lighter shades of the signal colours, to tell the two apart
LEVEL_COLOURS = {**SIGNAL_COLOURS, "IV": "#85c1e9", "III": "#f7dc6f", "II": "#eb984e", "I": "#cb4335"}
