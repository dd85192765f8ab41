"""Constants shared by the client modules. Importing this module is free: it imports nothing heavy."""

from __future__ import annotations

PORTKEY_GATEWAY_URL = "https://api.portkey.ai/v1"
"""The hosted Portkey gateway (and control plane)."""

LOCAL_GATEWAY_URL = "http://localhost:8787/v1"
"""Where a self-hosted open-source gateway listens by default."""

HEADER_PREFIX = "x-portkey-"

MAX_HEADER_BYTES = 16 * 1024
"""Upper bound for all Portkey headers of one request; servers commonly reject more."""

MAX_METADATA_VALUE_LENGTH = 128
"""Portkey stores metadata values of at most 128 characters."""
