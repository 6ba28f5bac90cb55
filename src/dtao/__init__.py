"""dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.

Public API: :class:`Network`, the presets in :mod:`dtao.params`, errors in :mod:`dtao.errors`,
units helpers in :mod:`dtao.units`.
"""

from dtao import errors, units
from dtao.network import Network, NeuronsView, SubnetView
from dtao.params import PRESETS, Params, get_preset
from dtao.units import RAO_PER_TAO, format_amount, parse_amount

__version__ = "0.1.0"

__all__ = [
    "Network",
    "NeuronsView",
    "PRESETS",
    "Params",
    "RAO_PER_TAO",
    "SubnetView",
    "errors",
    "format_amount",
    "get_preset",
    "parse_amount",
    "units",
]
