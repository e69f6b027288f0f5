"""Real parallel transactions for PostgreSQL tests: each thread has its own connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections


@pytest.fixture
def postgres_only():
    """Skip on SQLite, which serialises writers."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")


#: Connections one race may hold at once. PostgreSQL's default max_connections is 100 (3 kept
#: for superusers) and the two test workers may race at the same time, each also holding its
#: own connections: 40 each stays clear of "too many clients" — as a pool would in production.
MAX_CONNECTIONS = 40


def race(calls, max_connections: int = MAX_CONNECTIONS):
    """Run callables at the same moment in threads; return (results, errors) where errors
    are ValidationError codes or the repr of any other exception.

    Every thread is released at once; at most `max_connections` of them are inside the
    database at a time (a thread's connection opens on its first query and closes when its
    call ends), the others wait for a free one, as requests do behind a connection pool."""
    barrier = threading.Barrier(len(calls))
    slots = threading.BoundedSemaphore(max_connections)
    results, errors = [], []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            with slots:
                try:
                    out = fn()
                finally:
                    connections.close_all()
            with lock:
                results.append(out)
        except ValidationError as exc:
            with lock:
                errors.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted by the caller
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
