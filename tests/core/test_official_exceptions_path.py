"""`portkey_ai.api_resources.exceptions`, the official SDK's exception module, re-exports this project's classes."""

from __future__ import annotations

import subprocess
import sys

import openai
import pytest

import portkey_ai
import portkey_ai._exceptions
import portkey_ai.api_resources.exceptions as legacy

# Every class that portkey-ai 2.3.4's `portkey_ai/api_resources/exceptions.py` defines (it has no `__all__`).
OFFICIAL_NAMES = (
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
)


@pytest.mark.parametrize("name", OFFICIAL_NAMES)
def test_every_official_name_is_the_same_class_as_portkey_ai_and_openai(name: str) -> None:
    cls = getattr(legacy, name)
    assert isinstance(cls, type) and issubclass(cls, BaseException)
    assert cls is getattr(portkey_ai, name)
    assert cls is getattr(openai, name)


def test_the_module_exports_the_whole_exception_tree() -> None:
    assert sorted(legacy.__all__) == sorted(portkey_ai._exceptions.__all__)
    for name in legacy.__all__:
        assert getattr(legacy, name) is getattr(portkey_ai, name)


def test_an_error_raised_by_the_client_is_caught_through_the_official_path() -> None:
    with pytest.raises(legacy.APIConnectionError):
        portkey_ai.Portkey(base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=5).models.list()


def test_importing_portkey_ai_does_not_load_the_module() -> None:
    code = "import sys, portkey_ai; print('portkey_ai.api_resources' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_official_console_script_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    from portkey_ai._scripts import main
    from portkey_ai._version import __version__

    for flag in ("--version", "-v"):
        with pytest.raises(SystemExit) as exit_info:
            main([flag])
        assert exit_info.value.code == 0
        assert capsys.readouterr().out == f"portkey_ai {__version__}\n"


def test_the_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (script,) = [entry for entry in entry_points(group="console_scripts") if entry.name == "portkey_ai"]
    assert script.value == "portkey_ai._scripts:main"
