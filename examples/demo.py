"""`make demo`: start a local open-source gateway and two fake providers, run the quickstart tour, stop them.

The fake providers inject the failures that the fallback and retry parts of the tour recover from.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from examples import quickstart
from tests.servers.fake_provider import FakeProvider, Fault
from tests.servers.node_servers import ServerUnavailable, start_gateway


def main() -> int:
    """Run the tour; return the process exit code."""
    with tempfile.TemporaryDirectory(prefix="portkey-demo-") as logs:
        try:
            gateway = start_gateway(Path(logs))
        except ServerUnavailable as exc:
            print(f"cannot start the gateway: {exc}", file=sys.stderr)
            return 1
        try:
            with FakeProvider("provider-a") as first, FakeProvider("provider-b") as second:
                print(f"gateway: {gateway.base_url}\nproviders: {first.base_url}, {second.base_url}\n")
                quickstart.chat_and_stream(gateway.base_url, first.base_url)
                asyncio.run(quickstart.concurrent_async(gateway.base_url, first.base_url))
                first.enqueue(Fault(status=503))
                quickstart.fallback(gateway.base_url, first.base_url, second.base_url)
                quickstart.load_balance(gateway.base_url, first.base_url, second.base_url)
                first.enqueue(Fault(status=503), Fault(status=503))
                quickstart.gateway_retries(gateway.base_url, first.base_url)
                first.enqueue(Fault(status=503, headers={"retry-after-ms": "200"}))
                quickstart.client_retries(gateway.base_url, first.base_url)
                quickstart.official_forms(gateway.base_url, first.base_url)
        finally:
            gateway.close()
    print("\ndone: every call above went through the real gateway to the local fake providers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
