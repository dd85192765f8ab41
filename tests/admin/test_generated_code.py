"""The generated code: up to date with the spec, and every sync resource has an async twin with the same methods."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import portkey_ai.admin.resources as resources
from portkey_ai.admin._base import AsyncResource, SyncResource, endpoint
from tests.admin.support import GENERATOR_PATH, REPO_ROOT, generator, raw_spec, spec_file
from tests.servers.availability import unavailable


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    """The generated methods (each an `endpoint`; on the class, the function itself) and their signatures."""
    return {
        name: inspect.signature(getattr(cls, name))
        for name, member in vars(cls).items()
        if not name.startswith("_") and isinstance(member, endpoint)
    }


def _sub_resources(cls: type) -> dict[str, str]:
    """Sub-resource property name -> the class it returns (without the `Async` prefix), in the resource's mode."""
    found: dict[str, str] = {}
    for name, member in vars(cls).items():
        func = getattr(member, "func", None)
        if func is not None:
            found[name] = inspect.signature(func).return_annotation.removeprefix("Async")
    return found


SYNC_CLASSES = [
    getattr(resources, name)
    for name in resources.__all__
    if not name.startswith("Async") and issubclass(getattr(resources, name), SyncResource)
]


def test_every_resource_class_is_exported_in_both_flavours() -> None:
    names = set(resources.__all__)

    assert SYNC_CLASSES
    assert {f"Async{cls.__name__}" for cls in SYNC_CLASSES} | {cls.__name__ for cls in SYNC_CLASSES} == names


@pytest.mark.parametrize("sync_cls", SYNC_CLASSES, ids=lambda cls: cls.__name__)
def test_async_twin_has_the_same_methods_and_signatures(sync_cls: type) -> None:
    async_cls = getattr(resources, f"Async{sync_cls.__name__}")
    assert issubclass(async_cls, AsyncResource)

    sync_methods = _public_methods(sync_cls)
    async_methods = _public_methods(async_cls)

    assert sync_methods or _sub_resources(sync_cls)
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in sync_methods.items():
        twin = async_methods[name]
        assert list(signature.parameters.values()) == list(twin.parameters.values()), name
        method = getattr(async_cls, name)
        if twin.return_annotation.startswith("AsyncPaginator["):
            assert signature.return_annotation.startswith("SyncPage[")
            assert not inspect.iscoroutinefunction(method)
        else:
            assert twin.return_annotation == signature.return_annotation
            assert inspect.iscoroutinefunction(method), name
    assert _sub_resources(sync_cls) == _sub_resources(async_cls)


@pytest.mark.parametrize("sync_cls", SYNC_CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_method_is_an_endpoint(sync_cls: type) -> None:
    """Every method is decorated, so it has its `with_raw_response` / `with_streaming_response` twin."""
    for cls in (sync_cls, getattr(resources, f"Async{sync_cls.__name__}")):
        plain = [name for name, member in vars(cls).items() if not name.startswith("_") and inspect.isfunction(member)]
        assert plain == [], cls.__name__


def test_committed_code_matches_the_generator() -> None:
    if spec_file() is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    if importlib.util.find_spec("ruff") is None or importlib.util.find_spec("yaml") is None:
        pytest.skip("the generator needs ruff and PyYAML (the dev and lint dependency groups)")

    result = subprocess.run(
        [sys.executable, str(GENERATOR_PATH), "--check", "--spec", str(spec_file())],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr


def test_check_reports_a_stale_file() -> None:
    gen = generator()
    extension = gen.OUTPUT_DIR / "_extension.py"
    stale = {extension: extension.read_text(encoding="utf-8") + "# edited by hand\n"}

    problems = gen.stale_files(stale)

    assert any("_extension.py: differs" in problem for problem in problems)
    assert not any("pyproject.toml" in problem for problem in problems)
    assert gen.stale_files({gen.OUTPUT_DIR / "types" / "not_there.py": ""})[0].endswith("not_there.py: missing")


def test_no_method_or_sub_resource_may_hide_the_response_wrappers(monkeypatch: pytest.MonkeyPatch) -> None:
    if spec_file() is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    gen = generator()
    spec = gen.Spec(raw_spec())

    with monkeypatch.context() as patch:
        patch.setitem(gen.OPERATIONS, "get /configs", gen.Op("configs", "with_raw_response"))
        with pytest.raises(SystemExit, match="'with_raw_response' is reserved"):
            gen.build_operations(spec, gen.TypeRegistry(spec))
    with monkeypatch.context() as patch:
        patch.setitem(gen.RESOURCES, "configs.with_streaming_response", gen.Resource("Streaming", "Clash."))
        with pytest.raises(SystemExit, match="would hide an attribute every resource has"):
            gen.build_operations(spec, gen.TypeRegistry(spec))


@pytest.mark.parametrize("module_name", ["portkey_ai.admin", "portkey_ai.admin.resources", "portkey_ai.admin.types"])
def test_every_exported_name_exists(module_name: str) -> None:
    module = importlib.import_module(module_name)

    assert module.__all__ == sorted(module.__all__)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


def test_hand_written_extras_are_inherited_and_wrap_their_generated_operation() -> None:
    """Every `Extras` entry: both generated classes inherit the mixin first, the mixin defines each wrapped method
    (sync and async twins with the same parameters), and the generated operation is the private `_<name>`."""
    gen = generator()
    extended = {key: info for key, info in gen.RESOURCES.items() if info.extras is not None}
    assert "logs.exports" in extended
    for info in extended.values():
        module = importlib.import_module(f"portkey_ai.admin.{info.extras.module}")
        for prefix in ("", "Async"):
            cls = getattr(resources, prefix + info.class_name)
            mixin = getattr(module, f"{prefix}{info.class_name}Extras")
            assert cls.__bases__[0] is mixin
            for name in info.extras.wraps:
                assert name in vars(mixin) and name not in vars(cls)
                assert isinstance(vars(cls)["_" + name], endpoint)
        sync_mixin = getattr(module, f"{info.class_name}Extras")
        async_mixin = getattr(module, f"Async{info.class_name}Extras")
        public = {name for name in vars(sync_mixin) if not name.startswith("_")} - {"clock"}
        assert public == {name for name in vars(async_mixin) if not name.startswith("_")} - {"clock"}
        for name in public:
            assert inspect.signature(getattr(sync_mixin, name)) == inspect.signature(getattr(async_mixin, name))


MARKER = re.compile(
    r"^(?:# |<!-- )Generated by scripts/generate_admin\.py from spec sha256:([0-9a-f]{12,}) overlay sha256:([0-9a-f]{12,}); "
    r"do not edit\.(?: -->)?$"
)


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.readline().rstrip("\n")


def _marked_files() -> set[Path]:
    """Every file of portkey-admin whose first line is a generator marker, found by reading them all."""
    package = REPO_ROOT / "packages" / "portkey-admin"
    candidates = [*package.rglob("*.py"), *package.rglob("*.md")]
    return {path for path in candidates if MARKER.match(_first_line(path))}


def test_every_generated_file_is_marked_with_the_spec_and_overlay_it_was_generated_from() -> None:
    gen = generator()
    recorded = gen.recorded_spec_sha256()
    overlay = gen.sha256(gen.OVERLAY_PATH)

    assert _marked_files() == set(gen.generated_paths())
    for path in gen.generated_paths():
        found = MARKER.match(_first_line(path))
        assert found is not None, path
        assert recorded.startswith(found[1]) and overlay.startswith(found[2]), path
        assert gen.read_marker(path.read_text(encoding="utf-8")) == gen.Provenance(found[1], found[2])


def test_spec_readme_records_the_hash_of_the_committed_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = generator()
    spec = REPO_ROOT / "spec" / "portkey-openapi" / "openapi.yaml"
    text = (REPO_ROOT / "spec" / "README.md").read_text(encoding="utf-8")

    assert f"sha256 `{gen.sha256(spec)}`" in text
    assert gen.spec_record_problems(spec) == []
    stale = tmp_path / "README.md"
    stale.write_text(text.replace(gen.sha256(spec), "0" * 64), encoding="utf-8")
    monkeypatch.setattr(gen, "SPEC_RECORD", stale)
    assert gen.spec_record_problems(spec) == [
        f"spec/README.md records sha256 {'0' * 64} for openapi.yaml, whose sha256 is {gen.sha256(spec)}: "
        "record the new spec's commit and hash there"
    ]
    assert gen.spec_record_problems(tmp_path / "README.md") == []  # another spec file: the record does not apply


def test_gitattributes_lists_exactly_the_generated_files_as_generated() -> None:
    lines = (REPO_ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    entries = [line.split() for line in lines if line and not line.startswith("#")]

    assert all(attributes == ["linguist-generated=true"] for _, *attributes in entries)
    listed = [REPO_ROOT / path.lstrip("/") for path, *_ in entries]
    assert listed == sorted(listed) and set(listed) == set(generator().generated_paths()) == _marked_files()


def test_check_names_the_spec_a_stale_file_was_generated_from() -> None:
    gen = generator()
    extension = gen.OUTPUT_DIR / "_extension.py"
    committed = extension.read_text(encoding="utf-8")
    marked = gen.read_marker(committed)
    other = gen.Provenance("a" * 64, "b" * 64)
    regenerated = other.marker(extension) + "\n" + committed.partition("\n")[2]

    (problem,) = [p for p in gen.stale_files({extension: regenerated}) if "_extension.py" in p]

    assert problem.endswith(
        f"_extension.py: generated from spec sha256:{marked.spec} overlay sha256:{marked.overlay}, "
        f"not from spec sha256:{'a' * 12} overlay sha256:{'b' * 12}"
    )
    unmarked = gen.stale_files({extension: committed.partition("\n")[2]})
    assert any(p.endswith("_extension.py: differs") for p in unmarked)


def test_check_fails_on_code_generated_from_another_spec(tmp_path: Path) -> None:
    """The same spec with one more line (another sha256): `--check` fails, naming the spec of every file."""
    if spec_file() is None:
        unavailable("the Portkey OpenAPI spec is missing; set PORTKEY_OPENAPI_SPEC to the official openapi.yaml")
    if importlib.util.find_spec("ruff") is None or importlib.util.find_spec("yaml") is None:
        pytest.skip("the generator needs ruff and PyYAML (the dev and lint dependency groups)")
    source = spec_file()
    assert source is not None
    other = tmp_path / "openapi.yaml"
    shutil.copyfile(source, other)
    with other.open("a", encoding="utf-8") as handle:
        handle.write("# another revision\n")

    result = subprocess.run(
        [sys.executable, str(GENERATOR_PATH), "--check", "--spec", str(other)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=300,
    )

    assert result.returncode == 1
    stale = [line for line in result.stderr.splitlines() if line.startswith("stale: ")]
    assert len(stale) == len(generator().generated_paths())
    new = generator().sha256(other)[:12]
    assert all(f"not from spec sha256:{new} overlay" in line for line in stale), stale
