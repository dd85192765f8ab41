"""portkey_ai.langchain: see the package README."""

from ._version import __version__

__all__ = ["__version__"]
