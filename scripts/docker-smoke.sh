#!/usr/bin/env bash
# Build the portal's image and check it serves the login page as a non-root user (issue 12).
# Skipped, with a message, where no container engine runs (a CI machine without a daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=""
for e in docker podman; do
  if command -v "$e" >/dev/null 2>&1 && timeout 20 "$e" info >/dev/null 2>&1; then ENGINE=$e; break; fi
done
if [ -z "$ENGINE" ]; then
  echo "docker-smoke: no container engine running here (docker/podman); image build and smoke test skipped"
  exit 0
fi
TAG=dvcq-portal:ci-$$
timeout 1800 "$ENGINE" build -q -t "$TAG" .
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
CID=$("$ENGINE" run -d -p "127.0.0.1:$PORT:8000" -e DVCQ_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
      -e DVCQ_INSECURE_COOKIES=1 -e DVCQ_WORKERS=2 "$TAG")
trap '"$ENGINE" rm -f "$CID" >/dev/null; "$ENGINE" rmi "$TAG" >/dev/null || true' EXIT
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap/" && break
  sleep 0.4
done
curl -fs "http://127.0.0.1:$PORT/dang-nhap/" | grep -q "Đăng nhập"
[ "$("$ENGINE" exec "$CID" id -u)" != 0 ]
echo "docker-smoke: image built; the login page answers; the server runs as a non-root user"
