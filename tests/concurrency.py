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


def race(calls):
    """Run callables at the same moment in threads; return (results, errors) where errors
    are ValidationError codes or the repr of any other exception."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            out = fn()
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
