"""Hand-written helpers of portkey-core: the background log shipper used by the framework integrations."""

from .log_shipper import LogShipper, span_log, to_jsonable

__all__ = ["LogShipper", "span_log", "to_jsonable"]
