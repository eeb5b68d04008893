#!/usr/bin/env bash
# The web tier is stateless: two gunicorns with production settings, on two ports, one PostgreSQL
# and one Redis. A session opened on one is honoured by the other, a sign-out on one ends it on
# both, a form's CSRF token from one is accepted by the other and a write on one is read on the
# other, its audit event and log line under the request's id; then the nginx sample
# (deploy/nginx/cmsfamily.conf), when nginx is installed, passes `nginx -t` and balances over both.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cms_two_servers REDIS_URL=redis://127.0.0.1:6379/9 \
#       bash scripts/two_servers.sh
# The database named by DATABASE_URL is DROPPED and created again. PYTHON=... to use another venv.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
PYTHON="${PYTHON:-.venv/bin/python}"
GUNICORN="$(dirname "$PYTHON")/gunicorn"
PORT_A="${PORT_A:-8711}"
PORT_B="${PORT_B:-8712}"
PORT_NGINX="${PORT_NGINX:-8713}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cms_two_servers}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/9}"
WORK=$(mktemp -d)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "TWO SERVERS FAILED: $*" >&2
    for log in "$WORK"/*.log; do echo "== $log"; tail -n 20 "$log"; done >&2
    exit 1
}

export DJANGO_ENV=production
DJANGO_SECRET_KEY=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(64))")
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_STATIC_ROOT="$WORK/static"
export MEDIA_ROOT="$WORK/media" # one directory for both, as one S3 bucket would be
export MFA_REQUIRED_FOR_SECRETARIAT=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
manage() { "$PYTHON" manage.py "$@"; }

echo "-- a fresh database ($DATABASE_URL), the registry, the first officer"
"$PYTHON" - <<'PY'
import os, dj_database_url, psycopg
conf = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(host=conf["HOST"], port=conf["PORT"] or 5432, user=conf["USER"],
                     password=conf["PASSWORD"] or None, dbname="postgres", autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{conf["NAME"]}"')
    c.execute(f'CREATE DATABASE "{conf["NAME"]}"')
PY
"$PYTHON" -c "import redis" 2>/dev/null && "$PYTHON" -c "
import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()" || true
manage migrate --no-input -v 0
manage collectstatic --no-input -v 0
manage compilemessages_if_needed
manage load_reference >/dev/null
manage check --deploy --fail-level WARNING
OFFICER=officer@example.org
"$PYTHON" -c "import secrets; print(secrets.token_urlsafe(18))" >"$WORK/password"
manage create_secretariat_officer --email "$OFFICER" --instrument cms --password-file "$WORK/password" >/dev/null

for port in "$PORT_A" "$PORT_B"; do
    GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 "$GUNICORN" -c deploy/gunicorn.conf.py \
        config.wsgi:application >"$WORK/gunicorn-$port.log" 2>&1 &
    PIDS+=($!)
done
for port in "$PORT_A" "$PORT_B"; do
    for _ in $(seq 1 90); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/health/"; then break; fi
        sleep 1
    done
    health=$(curl -sS "http://127.0.0.1:$port/health/")
    grep -q '"status": "ok", "checks"' <<<"$health" || fail "server :$port is not healthy: $health"
    echo "server :$port /health/ $health"
done

JAR="$WORK/cookies"
# Behind the TLS proxy of a real deployment (X-Forwarded-Proto); Origin names the proxy's address.
on() {
    local port="$1"
    shift
    curl -sS -b "$JAR" -c "$JAR" -H "X-Forwarded-Proto: https" -H "Origin: https://127.0.0.1:$port" "$@"
}
csrf_of() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }

echo "-- sign in on :$PORT_A with the form and CSRF token of :$PORT_B"
token=$(on "$PORT_B" "http://127.0.0.1:$PORT_B/accounts/login/" | csrf_of)
[ -n "$token" ] || fail "no CSRF token on :$PORT_B's login page"
status=$(on "$PORT_A" -o /dev/null -w '%{http_code}' -H "Referer: https://127.0.0.1:$PORT_A/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "login=$OFFICER" \
    --data-urlencode "password=$(cat "$WORK/password")" "http://127.0.0.1:$PORT_A/accounts/login/")
[ "$status" = "302" ] || fail "the sign-in on :$PORT_A answered $status"

echo "-- the session opened on :$PORT_A is honoured on :$PORT_B"
page=$(on "$PORT_B" -w '\n%{http_code}' "http://127.0.0.1:$PORT_B/exchange-rates/add/")
[ "${page##*$'\n'}" = "200" ] || fail ":$PORT_B answered ${page##*$'\n'} to the officer's session"
grep -q "$OFFICER" <<<"$page" || fail ":$PORT_B does not name the officer"

echo "-- a write: the form from :$PORT_B posted to :$PORT_A, read back on :$PORT_B"
token=$(csrf_of <<<"$page")
status=$(on "$PORT_A" -o /dev/null -w '%{http_code}' -H "Referer: https://127.0.0.1:$PORT_A/exchange-rates/add/" \
    -H "X-Request-ID: two-servers-write-1" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "currency=EUR" \
    --data-urlencode "quote=USD" --data-urlencode "rate=1.0823" --data-urlencode "valid_from=2026-11-01" \
    --data-urlencode "source=two-server drill" "http://127.0.0.1:$PORT_A/exchange-rates/add/")
[ "$status" = "302" ] || fail "the exchange rate posted to :$PORT_A answered $status"
on "$PORT_B" "http://127.0.0.1:$PORT_B/exchange-rates/" | grep -q "two-server drill" ||
    fail ":$PORT_B does not list the rate written on :$PORT_A"
request_id=$(manage shell --no-imports -v 0 -c "from cmsfamily.core.models import Event; print(Event.objects.get(kind='exchange_rate.set').request_id)")
[ "$request_id" = "two-servers-write-1" ] || fail "the audit event has request id '$request_id'"
grep -q '"request_id": "two-servers-write-1"' "$WORK/gunicorn-$PORT_A.log" ||
    fail "no JSON log line of :$PORT_A carries the request id"
echo "   audit event and :$PORT_A's JSON log line both carry request id $request_id"

echo "-- signing out on :$PORT_B ends the session on :$PORT_A too"
token=$(on "$PORT_B" "http://127.0.0.1:$PORT_B/accounts/logout/" | csrf_of)
on "$PORT_B" -o /dev/null -H "Referer: https://127.0.0.1:$PORT_B/accounts/logout/" \
    --data-urlencode "csrfmiddlewaretoken=$token" "http://127.0.0.1:$PORT_B/accounts/logout/"
status=$(on "$PORT_A" -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT_A/exchange-rates/add/")
[[ "$status" == 302*/accounts/login/* ]] || fail ":$PORT_A still serves the signed-out session ($status)"

if command -v nginx >/dev/null; then
    echo "-- the nginx sample passes nginx -t and balances over both servers"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=cms.example.org" \
        -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
    sed -e "s|/etc/letsencrypt/live/cms.example.org/fullchain.pem|$WORK/cert.pem|" \
        -e "s|/etc/letsencrypt/live/cms.example.org/privkey.pem|$WORK/key.pem|" \
        -e "s|127.0.0.1:8000|127.0.0.1:$PORT_A|; s|127.0.0.1:8001|127.0.0.1:$PORT_B|" \
        -e "s|listen 443 ssl http2;|listen 127.0.0.1:$PORT_NGINX ssl http2;|; /listen \[::\]/d" \
        -e "s|listen 80;|listen 127.0.0.1:$((PORT_NGINX + 1));|" \
        deploy/nginx/cmsfamily.conf >"$WORK/site.conf"
    cat >"$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK;
    uwsgi_temp_path $WORK; scgi_temp_path $WORK;
    include $WORK/site.conf;
}
CONF
    nginx -t -c "$WORK/nginx.conf" -g "daemon off;" >"$WORK/nginx-t.out" 2>&1 ||
        fail "nginx -t: $(cat "$WORK/nginx-t.out")"
    sed 's/^/   /' "$WORK/nginx-t.out"
    nginx -c "$WORK/nginx.conf" -g "daemon off;" &
    PIDS+=($!)
    sleep 1
    count() { grep -c '"path": "/health/"' "$WORK/gunicorn-$1.log" || true; }
    before_a=$(count "$PORT_A")
    before_b=$(count "$PORT_B")
    for i in 1 2 3 4; do
        curl -sS -k -o /dev/null -D "$WORK/headers-$i" --resolve "cms.example.org:$PORT_NGINX:127.0.0.1" \
            -H "Host: 127.0.0.1" "https://cms.example.org:$PORT_NGINX/health/"
        grep -qi '^x-request-id: [0-9a-f]\{32\}' "$WORK/headers-$i" || fail "nginx's request id is missing"
    done
    sleep 1 # the log lines are written as the responses leave
    served_a=$(($(count "$PORT_A") - before_a))
    served_b=$(($(count "$PORT_B") - before_b))
    echo "   of 4 requests through nginx, :$PORT_A served $served_a and :$PORT_B $served_b"
    [ "$served_a" -ge 1 ] && [ "$served_b" -ge 1 ] || fail "nginx did not balance over both servers"
fi

echo "two servers passed: one session, CSRF token and write across :$PORT_A and :$PORT_B, sign-out on both"
