"""portkey_ai.llamaindex: see the package README."""

from ._version import __version__

__all__ = ["__version__"]
