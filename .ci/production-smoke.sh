#!/usr/bin/env bash
# Production smoke test: the README's "Deploying to production" steps, with production settings, on a
# throw-away SQLite database, then gunicorn on 127.0.0.1:${SMOKE_PORT:-8765}, and curl signs in.
# Run it from anywhere: `bash .ci/production-smoke.sh` (uses .venv; PYTHON=... to use another one).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
GUNICORN="$(dirname "$PYTHON")/gunicorn"
PORT="${SMOKE_PORT:-8765}"
SITE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
GUNICORN_PID=""

cleanup() {
    if [ -n "$GUNICORN_PID" ]; then
        kill "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "SMOKE FAILED: $*" >&2
    exit 1
}

export DJANGO_ENV=production
DJANGO_SECRET_KEY=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(64))")
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_STATIC_ROOT="$WORK/static"
export MFA_REQUIRED_FOR_SECRETARIAT=1
manage() { "$PYTHON" manage.py "$@"; }

echo "-- the deploy check refuses a site whose static files are not collected"
if manage check --deploy >"$WORK/check.log" 2>&1; then
    fail "check --deploy passed without collectstatic"
fi
grep -q "cmsfamily.E001" "$WORK/check.log" || fail "check --deploy did not name cmsfamily.E001"

echo "-- migrate, collectstatic, compile the catalogues, load the registry, the first officer"
manage migrate --no-input -v 0
manage collectstatic --no-input -v 0
manage compilemessages_if_needed
manage load_reference >/dev/null
manage check --deploy --fail-level WARNING
OFFICER=officer@example.org
"$PYTHON" -c "import secrets; print(secrets.token_urlsafe(18))" >"$WORK/password"
manage create_secretariat_officer --email "$OFFICER" --instrument cms --password-file "$WORK/password"

echo "-- gunicorn with production settings on $SITE"
"$GUNICORN" config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
    --access-logfile "$WORK/access.log" --error-logfile "$WORK/error.log" &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
    if curl -s -o /dev/null "$SITE/"; then break; fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/error.log"; fail "gunicorn stopped"; }
    sleep 1
done

# Behind the TLS proxy of a real deployment: Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER),
# so no redirect to https, and the CSRF check compares the Origin with https://127.0.0.1:PORT.
JAR="$WORK/cookies"
get() { curl -sS -b "$JAR" -c "$JAR" -H "X-Forwarded-Proto: https" "$@"; }

echo "-- sign in as the first officer"
login_page=$(get "$SITE/accounts/login/")
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$login_page" | head -n 1 | sed 's/.*value="//; s/"$//')
[ -n "$token" ] || fail "no CSRF token on the login page"
status=$(get -o "$WORK/login.html" -w '%{http_code} %{redirect_url}' \
    -H "Origin: https://127.0.0.1:$PORT" -H "Referer: https://127.0.0.1:$PORT/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "login=$OFFICER" \
    --data-urlencode "password=$(cat "$WORK/password")" "$SITE/accounts/login/")
[ "${status%% *}" = "302" ] || fail "the sign-in answered $status, not a redirect"
case "$status" in *confirm-email*) fail "the sign-in stopped at email confirmation" ;; esac

echo "-- a Secretariat officer is sent to set up two-factor sign-in first (MFA_REQUIRED_FOR_SECRETARIAT)"
status=$(get -o /dev/null -w '%{http_code} %{redirect_url}' "$SITE/reports/")
[[ "$status" == 302*/accounts/2fa/totp/activate/* ]] || fail "/reports/ answered $status"

echo "-- the officer sets up TOTP two-factor sign-in, then reaches a Secretariat page"
# Sets up TOTP for the signed-in officer as a person would with an authenticator app: allauth asks
# for the password again, shows the secret, and wants a code from it.
csrf_of() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
post() {
    local path="$1"
    shift
    get -o /dev/null -w '%{http_code} %{redirect_url}' -H "Origin: https://127.0.0.1:$PORT" \
        -H "Referer: https://127.0.0.1:$PORT$path" "$@" "$SITE$path"
}
path="/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
token=$(get "$SITE$path" | csrf_of)
status=$(post "$path" --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "password=$(cat "$WORK/password")")
[[ "$status" == 302*/accounts/2fa/totp/activate/* ]] || fail "the reauthentication answered $status"
page=$(get "$SITE/accounts/2fa/totp/activate/")
code=$("$PYTHON" - "$page" <<'PY'
import base64, hashlib, hmac, re, struct, sys, time
if time.time() % 30 > 27:  # allauth accepts the current 30-second step only: not its last instant
    time.sleep(3)
tag = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', sys.argv[1]).group(0)
secret = re.search(r'value="([A-Z2-7]+=*)"', tag).group(1)
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 0x0F
print("%06d" % ((struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
) || fail "no authenticator secret on the TOTP page"
token=$(csrf_of <<<"$page")
status=$(post /accounts/2fa/totp/activate/ --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "code=$code")
[ "${status%% *}" = "302" ] || fail "activating TOTP answered $status"
page=$(get -w '\n%{http_code}' "$SITE/reports/")
[ "${page##*$'\n'}" = "200" ] || fail "/reports/ answered ${page##*$'\n'} once TOTP is set up"
grep -q "$OFFICER" <<<"$page" || fail "the signed-in page does not name $OFFICER"

echo "-- a collected static file, with the security headers"
asset=$(grep -o '/static/core/site\.[0-9a-f]*\.css' <<<"$login_page" | head -n 1)
[ -n "$asset" ] || fail "the login page links no hashed core/site.css"
headers=$(get -o /dev/null -D - "$SITE$asset")
grep -q '^HTTP/1.1 200' <<<"$headers" || fail "$asset: $(head -n 1 <<<"$headers")"
grep -qi "^content-security-policy: .*default-src 'self'" <<<"$headers" || fail "$asset has no CSP"
grep -qi '^permissions-policy: .*camera=()' <<<"$headers" || fail "$asset has no Permissions-Policy"

echo "production smoke test passed: check --deploy, collectstatic, first officer, gunicorn, sign-in with TOTP, static file"
