#!/usr/bin/env sh
# Container entrypoint: wait for the database, apply migrations, then exec the command (gunicorn).
# Workers and timeouts come from the environment (docker/gunicorn.conf.py).
# RUN_MIGRATIONS=0 skips the migrations (e.g. when a release job runs them once per deploy).
set -eu

if [ "${RUN_MIGRATIONS:-1}" = "1" ]; then
    tries="${DB_WAIT_TRIES:-30}"
    until python manage.py migrate --check >/dev/null 2>&1 || python manage.py showmigrations >/dev/null 2>&1; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            echo '{"level": "ERROR", "logger": "entrypoint", "message": "database unreachable"}' >&2
            exit 1
        fi
        sleep 2
    done
    python manage.py migrate --noinput
fi

exec "$@"
