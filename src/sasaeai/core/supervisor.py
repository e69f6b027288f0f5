"""Run several long-lived processes as one unit (`sasaeai serve_all`).

Policy, chosen on purpose: nothing is restarted. When any child exits — crash or not — the
supervisor logs which one and how, stops all the others and exits non-zero, so a service
manager (systemd `Restart=on-failure`, a container restart policy) or the person at the
terminal sees the failure and restarts the whole unit. SIGINT, SIGTERM and SIGHUP stop every
child the same way and exit 0.

Stopping: each child runs in its own process group (so a Ctrl-C in the terminal reaches the
supervisor only and the stop is orderly); it gets SIGTERM, then `stop_timeout` seconds, then
SIGKILL for its whole group, which also removes any grandchildren (gunicorn workers). On Linux
every child also asks the kernel for SIGTERM if the supervisor itself dies (PR_SET_PDEATHSIG),
so even a SIGKILLed supervisor leaves no orphans behind.

This module does not import Django; it only starts commands.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

logger = logging.getLogger("sasaeai.serve_all")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: deliver SIGTERM to this child when the supervisor dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Supervisor:
    def __init__(self, children: list[Child], *, env: dict | None = None, stop_timeout: float = 10.0,
                 poll: float = 0.2):
        self.children = children
        self.env = env
        self.stop_timeout = stop_timeout
        self.poll = poll
        self._stop_signal: int | None = None

    def _on_signal(self, signum, _frame) -> None:
        if self._stop_signal is None:
            self._stop_signal = signum

    def start(self) -> None:
        for child in self.children:
            child.process = subprocess.Popen(
                child.argv, env=self.env, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
            logger.info("started %s (pid %s): %s", child.name, child.pid, " ".join(child.argv[2:]))

    def run(self) -> int:
        """Start every child, wait until one exits or a stop signal arrives, stop all.
        Returns the exit status for the supervisor: 0 after a stop signal, else 1 (or the
        exited child's own non-zero status)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            try:
                self.start()
            except OSError:
                logger.error("could not start every process; stopping the others")
                self.stop()
                return 1
            exited = self._wait_for_first_exit()
            if exited is not None:
                code = exited.process.returncode
                logger.error("%s (pid %s) exited with status %s; stopping the others (nothing is restarted)",
                             exited.name, exited.pid, code)
                self.stop()
                return code if isinstance(code, int) and code > 0 else 1
            logger.info("received %s; stopping", signal.Signals(self._stop_signal).name)
            self.stop()
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _wait_for_first_exit(self) -> Child | None:
        while self._stop_signal is None:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(self.poll)
        return None

    def stop(self) -> None:
        """SIGTERM every running child, wait up to stop_timeout, then SIGKILL each child's
        whole process group (survivors and grandchildren alike) and reap everything."""
        started = [c for c in self.children if c.process is not None]
        for child in started:
            if child.process.poll() is None:
                try:
                    child.process.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + self.stop_timeout
        for child in started:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s (pid %s) did not stop within %ss; killing it", child.name, child.pid,
                               self.stop_timeout)
        for child in started:
            _signal_group(child.pid, signal.SIGKILL)
            child.process.wait()
            logger.info("%s (pid %s) stopped (status %s)", child.name, child.pid, child.process.returncode)
