"""A real mosquitto broker per test, on a free local port, with persistence in the test's tmp_path."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from helpers import free_port

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


def find_mosquitto() -> str | None:
    """mosquitto lives in /usr/sbin on Debian, which is not on every user's PATH."""
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)), None)



def run(command: list[str]) -> None:
    """A helper program (mosquitto_passwd, openssl): fail the test clearly when it is missing or fails."""
    path = shutil.which(command[0])
    if path is None:
        pytest.fail(f"{command[0]} is not installed; the MQTT feed tests need it (Debian: mosquitto, openssl)")
    result = subprocess.run([path, *command[1:]], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}")


class Mosquitto:
    """One broker process: `stop()` (SIGTERM: it saves its persistence file), `start()` (same port, same
    persistence), `kill()` (SIGKILL, no save); `require_password()` and `add_tls_listener()` reconfigure it."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.log = directory / "mosquitto.log"
        self.config = directory / "mosquitto.conf"
        (directory / "data").mkdir(exist_ok=True)
        user = pwd.getpwuid(os.getuid()).pw_name  # run as root, mosquitto would switch to user "mosquitto"
        self.settings = [
            "allow_anonymous true",
            f"user {user}",
            "persistence true",
            f"persistence_location {directory / 'data'}/",
            "persistence_file mosquitto.db",
            "autosave_interval 1",
            "max_queued_messages 100000",
            "max_queued_bytes 0",
            f"log_dest file {self.log}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
        ]
        self.listeners = [f"listener {self.port} 127.0.0.1"]
        self.tls_port: int | None = None
        self._write_config()
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> None:
        # global settings first: with several listeners, lines after a `listener` belong to it
        self.config.write_text("\n".join(self.settings + self.listeners) + "\n")

    def require_password(self, username: str, password: str) -> None:
        """No more anonymous clients, on every listener (restarts the broker)."""
        passwords = self.directory / "passwords"
        run(["mosquitto_passwd", "-b", "-c", str(passwords), username, password])
        passwords.chmod(0o600)
        self.settings[0] = "allow_anonymous false"
        self.settings.append(f"password_file {passwords}")
        self.restart()

    def add_tls_listener(self) -> Path:
        """A second listener with TLS, its certificate for 127.0.0.1 signed by a throwaway CA (restarts the
        broker); returns the CA certificate clients must trust. Port: `tls_port`."""
        d = self.directory
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        run(["openssl", "req", "-x509", *ec, "-keyout", str(d / "ca.key"), "-out", str(d / "ca.crt"), "-days", "2",
             "-subj", "/CN=console test CA"])
        run(["openssl", "req", *ec, "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"),
             "-subj", "/CN=127.0.0.1"])
        (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                      "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                                      "authorityKeyIdentifier=keyid\n")
        run(["openssl", "x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.crt"),
             "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-out", str(d / "server.crt"), "-days", "2",
             "-extfile", str(d / "server.ext")])
        self.tls_port = free_port()
        self.listeners += [f"listener {self.tls_port} 127.0.0.1", f"cafile {d / 'ca.crt'}",
                           f"certfile {d / 'server.crt'}", f"keyfile {d / 'server.key'}"]
        self.restart()
        return d / "ca.crt"

    def restart(self) -> None:
        self.stop()
        self._write_config()
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join([line for line in text if "Saving in-memory database" not in line][-lines:])

    def start(self) -> None:
        assert not self.running, "mosquitto is already running"
        with open(self.directory / "stderr.txt", "ab") as stderr:  # the child keeps its own descriptor
            self.process = subprocess.Popen([self.binary, "-c", str(self.config)], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                err = (self.directory / "stderr.txt").read_text(errors="replace")
                pytest.fail(f"mosquitto exited with {self.process.returncode} on start: {err}\n{self.log_tail()}")
            try:
                for port in (self.port, self.tls_port or self.port):
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        pass
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.kill()
                    pytest.fail(f"mosquitto did not listen on port {self.port} within {START_TIMEOUT_S} s\n"
                                f"{self.log_tail()}")
                time.sleep(0.02)

    def stop(self) -> None:
        """A clean shutdown: mosquitto writes its sessions and queued messages to the persistence file."""
        if not self.running:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"mosquitto did not stop within {STOP_TIMEOUT_S} s of SIGTERM\n{self.log_tail()}")

    def kill(self) -> None:
        if self.running:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)

    def close(self) -> None:
        self.kill()


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on."""
    return free_port()


@pytest.fixture
def mosquitto(tmp_path):
    binary = find_mosquitto()
    if binary is None:
        pytest.fail("the mosquitto MQTT broker is not installed, and the MQTT feed tests need a real one: "
                    "install it (Debian: `sudo apt-get install mosquitto`, see .ci/system-packages)")
    directory = tmp_path / "mosquitto"
    directory.mkdir()
    broker = Mosquitto(binary, directory)
    broker.start()
    try:
        yield broker
    finally:
        broker.close()
