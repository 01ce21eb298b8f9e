"""Start everything on one machine: migrate, seed the demo, web + Celery worker + beat.

The children's output goes to ``state/logs/<name>.log`` so the banner with the
addresses and logins is the last thing on the terminal. Ctrl-C (or ``./dev
stop`` from another terminal, through ``state/run.pid``) stops the children,
then the embedded PostgreSQL when no DATABASE_URL is set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from safeloop.platform import embedded
from safeloop.platform.demo import demo_banner, ensure_demo
from safeloop.platform.services import migrate_all
from safeloop.platform.stop import PID_FILE, read_pid_file, write_pid_file
from safeloop.platform.urls_util import origin

OPEN_BINDS = {"0.0.0.0", "::", "[::]"}


class Command(BaseCommand):
    help = "Migrate, seed the demo enterprise and run the web server, a Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--bind",
            default=os.environ.get("SAFELOOP_BIND", "127.0.0.1"),
            help="address to listen on (default 127.0.0.1: this machine only; "
            "0.0.0.0 opens it to the network, as does SAFELOOP_BIND=0.0.0.0)",
        )
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-celery", action="store_true", help="web server only")
        parser.add_argument(
            "--no-iot",
            action="store_true",
            help="no MQTT broker, bridge or simulated detectors",
        )

    def handle(self, *args, port, bind, web_workers, no_celery, no_iot, **options):
        running = read_pid_file()
        if running and embedded.process_alive(running["pid"]):
            raise CommandError(
                f"SafeLoop is already running (process {running['pid']}); "
                "stop it with Ctrl-C in its terminal or ./dev stop."
            )
        # Links that leave the browser (labels, e-mails, robots, inbox) need the
        # port people reach us on: this one, unless the operator said otherwise.
        if not os.environ.get("SAFELOOP_PUBLIC_PORT"):
            os.environ["SAFELOOP_PUBLIC_PORT"] = str(port)
            settings.SAFELOOP_PUBLIC_PORT = str(port)
            settings.WAGTAILADMIN_BASE_URL = origin(settings.SAFELOOP_BASE_DOMAIN)
        processes: dict[str, subprocess.Popen] = {}
        # From here on ./dev stop finds us, and SIGTERM stops us as Ctrl-C does.
        write_pid_file(os.getpid(), {})
        self._install_signal_handlers()
        try:
            self.stdout.write("Migrating schemas and seeding the demo enterprise…")
            migrate_all(verbosity=0)
            enterprise, logins = ensure_demo()
            connections.close_all()  # the children open their own
            env = {
                **os.environ,
                "DATABASE_URL": settings.DATABASE_URL,
                "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
            }
            embedded.LOG_DIR.mkdir(parents=True, exist_ok=True)
            self.broker = None
            iot = not no_iot and self._start_broker(processes)
            for name, command in self._commands(bind, port, web_workers, no_celery, iot).items():
                processes[name] = self._start(name, command, env)
                write_pid_file(os.getpid(), {n: proc.pid for n, proc in processes.items()})
            self._wait_until_up(bind, port, processes["web"])
            self.stdout.write(demo_banner(enterprise, logins, port))
            self.stdout.write(self._footer(bind, port, processes))
            self.stdout.flush()
            self._supervise(processes)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(processes)
            if getattr(self, "broker", None) is not None:
                self.broker.stop()
            PID_FILE.unlink(missing_ok=True)
            connections.close_all()
            if not os.environ.get("DATABASE_URL"):
                self.stdout.write(embedded.stop_embedded_database())
            self.stdout.write("SafeLoop stopped.")

    def _start_broker(self, processes: dict[str, subprocess.Popen]) -> bool:
        """The embedded mosquitto when no MQTT_URL is set; whether IoT runs at all."""
        if settings.MQTT_URL:
            return True
        from safeloop.iot_bridge.broker import EmbeddedBroker, mosquitto_binary

        if mosquitto_binary() is None:
            self.stderr.write(
                "No MQTT_URL and no mosquitto here: sensors are off. Install the Debian "
                "package mosquitto (infra/system-deps.sh does) or set MQTT_URL."
            )
            return False
        self.broker = EmbeddedBroker()
        if not _port_free(self.broker.port):
            self.stderr.write(
                f"Port {self.broker.port} (the embedded MQTT broker's) is taken: sensors are "
                "off. Set SAFELOOP_MQTT_PORT to a free port, or MQTT_URL."
            )
            self.broker = None
            return False
        log = (embedded.LOG_DIR / "mqtt.log").open("a")
        processes["mqtt"] = self.broker.start(log)
        return True

    def _commands(self, bind, port, web_workers, no_celery, iot=False) -> dict[str, list[str]]:
        bin_dir = os.path.dirname(sys.executable)
        commands = {
            "web": [
                os.path.join(bin_dir, "gunicorn"),
                "safeloop.platform.wsgi:application",
                "--bind",
                f"[{bind}]:{port}"
                if ":" in bind and not bind.startswith("[")
                else f"{bind}:{port}",
                "--workers",
                str(web_workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
        }
        if not no_celery:
            celery = os.path.join(bin_dir, "celery")
            commands["worker"] = [
                celery,
                "-A",
                "safeloop",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ]
            commands["beat"] = [
                celery,
                "-A",
                "safeloop",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ]
        if iot:
            safeloop = os.path.join(bin_dir, "safeloop")
            commands["bridge"] = [safeloop, "iot-bridge", "--client-id", "safeloop-bridge-local"]
            # The demo's detectors keep publishing, so its board and curves are live.
            commands["detectors"] = [safeloop, "iot-simulate", "--enterprise", "demo"]
        return commands

    def _start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = (embedded.LOG_DIR / f"{name}.log").open("a")
        log.write(f"\n--- safeloop run started {name} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        log.flush()
        # A session of its own: Ctrl-C reaches this process only, which then
        # stops the children in order and reports it.
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _footer(self, bind: str, port: int, processes) -> str:
        logs = ", ".join(str(log_path(name)) for name in processes)
        if bind in OPEN_BINDS:
            reach = f"  Listening on {bind}:{port}: open to the network (demo passwords!)."
        else:
            reach = (
                f"  Listening on {bind}:{port} only. To open it to the network: "
                "./dev start --bind 0.0.0.0 (or SAFELOOP_BIND=0.0.0.0)."
            )
        broker = (
            "Redis at REDIS_URL"
            if settings.REDIS_URL
            else "no REDIS_URL: cache in memory, Celery on the file-system broker in state/broker"
        )
        database = (
            "DATABASE_URL"
            if os.environ.get("DATABASE_URL")
            else f"embedded PostgreSQL, data in {embedded.PGDATA}"
        )
        mqtt = (
            "MQTT_URL"
            if settings.MQTT_URL
            else f"embedded mosquitto on 127.0.0.1:{self.broker.port}"
            if getattr(self, "broker", None) is not None
            else "off"
        )
        return (
            f"{reach}\n"
            f"  Database: {database}; {broker}; sensors (MQTT): {mqtt}.\n"
            f"  Logs: {logs}\n"
            "  Stop: Ctrl-C here, or ./dev stop from another terminal.\n"
        )

    def _wait_until_up(self, bind: str, port: int, web: subprocess.Popen) -> None:
        host = "127.0.0.1" if bind in OPEN_BINDS else bind.strip("[]")
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/healthz"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP status: the server answers
                    return
            if web.poll() is not None or time.monotonic() > deadline:
                raise CommandError(
                    f"The web server did not start; its log ({log_path('web')}) ends:\n"
                    + tail(log_path("web"))
                )
            time.sleep(0.5)

    def _install_signal_handlers(self) -> None:
        def stop(*_args):
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    def _supervise(self, processes: dict[str, subprocess.Popen]) -> None:
        ticks = 0
        while True:
            ticks += 1
            if getattr(self, "broker", None) is not None and ticks % 5 == 0:
                # A device registered since: its password and topics reach the broker.
                try:
                    self.broker.refresh()
                except Exception as exc:  # noqa: BLE001 — the database is away a moment
                    self.stderr.write(f"Could not refresh the MQTT broker's accounts: {exc}")
            for name, proc in processes.items():
                if proc.poll() is not None:
                    self.stderr.write(
                        f"{name} exited with {proc.returncode}; stopping. "
                        f"Its log ({log_path(name)}) ends:\n{tail(log_path(name))}"
                    )
                    return
            time.sleep(1)

    def _stop(self, processes: dict[str, subprocess.Popen]) -> None:
        # Ignore further Ctrl-C while the children shut down.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.stdout.write("Stopping SafeLoop…")
        for proc in processes.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def log_path(name: str) -> Path:
    return embedded.LOG_DIR / f"{name}.log"


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
