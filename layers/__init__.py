"""Plain-Python layer models (no Qt): each holds its features as numpy arrays plus attributes."""
from .cameras import CameraLayer
from .flood_points import FloodPointLayer
from .sites import SiteLayer
from .stations import StationLayer
from .trees import TreeLayer

OBJECT_LAYERS = (FloodPointLayer, TreeLayer, SiteLayer, CameraLayer, StationLayer)
LAYER_BY_KIND = {cls.kind: cls for cls in OBJECT_LAYERS}
