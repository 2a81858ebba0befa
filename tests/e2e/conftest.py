"""A real `policy-service serve` process (gunicorn, several workers) per backend."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.databases import BACKENDS, throwaway_database

CLI = str(Path(sys.executable).with_name("policy-service"))


@dataclass
class Server:
    """A running server: its base URL, environment, and a helper to run the CLI against it."""

    base_url: str
    env: dict[str, str]

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run `policy-service ARGS` against the same database; returns stdout."""
        done = subprocess.run([CLI, *args], env=self.env, input=stdin, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def cli_fails(self, *args: str) -> str:
        """Run a command that must be refused; returns what it said on stderr."""
        done = subprocess.run([CLI, *args], env=self.env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode != 0, done.stdout
        return done.stderr

    def key(self, role: str) -> dict[str, str]:
        """Authorization header for a new key of `role`, created through the CLI."""
        key = self.cli("api-keys", "create", f"e2e-{role}", "--role", role).strip().splitlines()[-1]
        return {"Authorization": f"Bearer {key}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(env: dict[str, str], tmp: Path, workers: int) -> Iterator[Server]:
    """`policy-service serve` with `env`, ready on /readyz; stopped on exit."""
    port = _free_port()
    with open(tmp / "server.log", "w") as log:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, tmp / "server.log")
            yield Server(base, env)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    """Start the server on a fresh database and wait until /readyz says ready."""
    tmp = tmp_path_factory.mktemp("e2e")
    with throwaway_database(request.param, tmp) as url:
        env = {**os.environ, "DATABASE_URL": url, "POLICY_INSTANCE_PATH": str(tmp / "instance"),
               "POLICY_TEST_CLOCK": "1"}  # the story moves the business date forward
        with running_server(env, tmp, workers=3) as running:
            yield running


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready in 60 s:\n{log.read_text()}")
