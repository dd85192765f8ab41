"""K2, the environment switch: `PORTKEY_LOG=debug` logs the client's retries, never a secret, and leaves the HTTP
library's logger alone (one subprocess runs the sync and the async client)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from tests.core.reliability.conftest import CANARY, FAST
from tests.servers.fault_server import FaultServer, chat_completion, json_reply

REPO = Path(__file__).resolve().parents[3]


def test_k2_portkey_log_env_switch(serve: Callable[..., FaultServer]) -> None:
    limited = json_reply({"error": {"message": "slow"}}, 429, FAST)
    server = serve([limited, json_reply(chat_completion()), limited, json_reply(chat_completion())])
    script = textwrap.dedent(
        f"""
        import asyncio, logging
        import portkey_ai
        from portkey_ai._http import httpx

        kwargs = dict(base_url={server.base_url!r}, api_key={CANARY!r}, default_query={{"token": {CANARY!r}}})
        messages = [{{"role": "user", "content": {CANARY!r}}}]
        with portkey_ai.Portkey(**kwargs) as client:
            client.chat.completions.create(model="m", messages=messages)

        async def main():
            async with portkey_ai.AsyncPortkey(**kwargs) as client:
                await client.chat.completions.create(model="m", messages=messages)

        asyncio.run(main())
        print("levels", logging.getLogger(httpx.__name__).level, logging.getLogger("portkey_ai").level)
        """
    )
    env = {**os.environ, "PORTKEY_LOG": "debug", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert "levels 0 10" in done.stdout
    assert done.stderr.count("Retrying POST") == 2
    assert CANARY not in done.stderr + done.stdout
    assert server.request_count == 4
