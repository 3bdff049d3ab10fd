#!/bin/sh
# Entrypoint of the Langso image.
#
#   serve [options]   wait for the database, then run granian (the default command)
#   migrate [...]     wait for the database, then apply migrations (a separate, one-shot step:
#                     `serve` never migrates, so several app containers never race on it)
#   seed [...]        wait for the database, then load the demo data (idempotent)
#   wait-for-db       only wait for the database
#   anything else     executed as given (e.g. `langso search sync`, `sh`)
#
# Environment: PORT (8000), WORKERS (2), DATABASE_URL, DB_WAIT_SECONDS (60: how long to wait
# for PostgreSQL before giving up with a clear error).
set -eu

# Connects with asyncpg until PostgreSQL answers or DB_WAIT_SECONDS have passed. Connection
# failures are retried; a refusal by the server itself (wrong password, unknown database) is
# final at once. Messages name host, port and database, never the password.
WAIT_FOR_DB_PY='
import asyncio, os, sys, time
from urllib.parse import urlsplit

import asyncpg

dsn = os.environ["DATABASE_URL"]
budget = float(os.environ.get("DB_WAIT_SECONDS") or "60")
parts = urlsplit(dsn)
target = "%s:%s%s" % (parts.hostname or "localhost", parts.port or 5432, parts.path)
RETRYABLE = (OSError, asyncio.TimeoutError, asyncpg.CannotConnectNowError)


async def connect_once(timeout):
    connection = await asyncpg.connect(dsn, timeout=timeout)
    await connection.close()


async def wait():
    deadline = time.monotonic() + budget
    attempts = 0
    while True:
        attempts += 1
        try:
            await connect_once(max(0.5, min(5.0, deadline - time.monotonic())))
            return None
        except RETRYABLE as error:
            last = "%s: %s" % (type(error).__name__, error)
        except asyncpg.PostgresError as error:
            return "PostgreSQL at %s refused the connection: %s: %s" % (
                target, type(error).__name__, error)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "PostgreSQL at %s not reachable after %g s (%d attempts): %s" % (
                target, budget, attempts, last)
        await asyncio.sleep(min(1.0, remaining))


print("langso: waiting for PostgreSQL at %s (up to %g s)" % (target, budget), file=sys.stderr)
problem = asyncio.run(wait())
if problem:
    print("langso: error: " + problem, file=sys.stderr)
    sys.exit(1)
print("langso: PostgreSQL at %s is ready" % target, file=sys.stderr)
'

wait_for_db() {
    case "${DATABASE_URL:-}" in
        postgres://* | postgresql://*) python -c "$WAIT_FOR_DB_PY" ;;
        *) ;; # SQLite (or unset): a local file, nothing to wait for
    esac
}

if [ "$#" -eq 0 ]; then
    set -- serve
fi
case "$1" in
    -*) set -- serve "$@" ;; # `docker run langso --workers 4` means serve with options
esac

command="$1"
case "$command" in
    serve)
        shift
        wait_for_db
        exec langso serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}" "$@"
        ;;
    migrate | seed)
        shift
        wait_for_db
        exec langso "$command" "$@"
        ;;
    wait-for-db)
        wait_for_db
        ;;
    *)
        exec "$@"
        ;;
esac
