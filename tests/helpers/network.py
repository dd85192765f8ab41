"""Keep tests off the network: any connection or name lookup that is not loopback fails."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest


def is_loopback(host: object) -> bool:
    """Whether `host` (a name or an address, str or bytes) is `localhost` or a loopback address."""
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def block_non_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every non-loopback lookup or TCP/UDP connection raise `OSError` for the rest of the test."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            raise OSError(f"tests must not reach the network (lookup of {host!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise OSError(f"tests must not reach the network (connect to {address!r})")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
