"""Start everything on one machine: migrate, seed the demo, web + Celery worker + beat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from safeloop.platform.demo import demo_banner, ensure_demo
from safeloop.platform.services import migrate_all


class Command(BaseCommand):
    help = "Migrate, seed the demo enterprise and run the web server, a Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--bind", default=os.environ.get("SAFELOOP_BIND", "0.0.0.0"))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-celery", action="store_true", help="web server only")

    def handle(self, *args, port, bind, web_workers, no_celery, **options):
        self.stdout.write("Migrating schemas…")
        migrate_all(verbosity=0)
        enterprise, logins = ensure_demo()
        env = {
            **os.environ,
            "DATABASE_URL": settings.DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
        }
        bin_dir = os.path.dirname(sys.executable)
        commands = {
            "web": [
                os.path.join(bin_dir, "gunicorn"),
                "safeloop.platform.wsgi:application",
                "--bind",
                f"{bind}:{port}",
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
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self._wait_until_up(port)
        self.stdout.write(demo_banner(enterprise, logins, port))
        if not settings.REDIS_URL:
            self.stdout.write(
                "  (No REDIS_URL: cache in memory, Celery on the embedded "
                "file-system broker in state/broker.)\n"
            )
        self._supervise(processes)

    def _wait_until_up(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP status: the server answers
                    return
                time.sleep(0.5)

    def _supervise(self, processes: dict[str, subprocess.Popen]) -> None:
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping.")
                        stop()
                        break
                time.sleep(1)
        finally:
            for proc in processes.values():
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
