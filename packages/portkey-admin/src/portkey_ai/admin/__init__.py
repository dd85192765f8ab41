"""portkey_ai.admin: see the package README."""

from ._version import __version__

__all__ = ["__version__"]
