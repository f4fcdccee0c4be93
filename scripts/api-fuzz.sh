#!/usr/bin/env bash
# schemathesis against docs/openapi.yaml for a fixed budget (issue 12): the portal served by
# `dvcq serve` (not demo mode) on a free loopback port over a throwaway data folder; every check,
# a fixed seed and example count so a run is repeatable. positive_data_acceptance is left out: a
# record valid for the schema (any object) is still refused with a 400 when the pack says it is wrong,
# as documented; the API cannot spell out a rule pack in OpenAPI. A failing input is kept (the report in
# $DIR/report) and belongs in tests/portal/test_api.py as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${DVCQ_FUZZ_EXAMPLES:-100}
DIR=$(mktemp -d /tmp/dvcq-fuzz.XXXXXX)
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export DVCQ_DATA_DIR=$DIR/data DVCQ_SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))") \
       DVCQ_INSECURE_COOKIES=1 DJANGO_SETTINGS_MODULE=portal.settings
unset DATABASE_URL DVCQ_DEMO
mkdir -p "$DVCQ_DATA_DIR"
.venv/bin/dvcq serve --port "$PORT" >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap/" && break
  sleep 0.2
done
timeout 900 .venv/bin/schemathesis run docs/openapi.yaml --url "http://127.0.0.1:$PORT" --checks all \
  --exclude-checks positive_data_acceptance --max-examples "$EXAMPLES" --seed 12 --report junit --report-dir "$DIR/report"
echo "api-fuzz: schemathesis passed ($EXAMPLES examples per operation, seed 12)"
rm -rf "$DIR"
