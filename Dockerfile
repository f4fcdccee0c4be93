# The portal as a container (issue 12). Stage 1 builds durable-rules (C) and installs dvcq with its
# deploy extra into a virtualenv; stage 2 carries only that virtualenv, runs as a non-root user, and
# keeps every piece of state in the /data volume (SQLite or nothing, uploads, sealed dossiers, packs).
#   docker build -t dvcq-portal .
#   docker run -d -p 127.0.0.1:8000:8000 -v dvcq-data:/data -e DVCQ_SECRET_KEY=… \
#       -e DVCQ_ALLOWED_HOSTS=dvcq.example.gov.vn -e DVCQ_BEHIND_PROXY=1 [-e DATABASE_URL=postgres://…] dvcq-portal
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scoring ./scoring
COPY portal ./portal
RUN python -m venv /opt/dvcq \
    && CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' /opt/dvcq/bin/pip install --no-cache-dir '.[deploy]' \
    && /opt/dvcq/bin/python -m compileall -q /opt/dvcq/lib

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin dvcq \
    && mkdir -p /data && chown dvcq:dvcq /data
COPY --from=build /opt/dvcq /opt/dvcq
ENV PATH=/opt/dvcq/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings \
    DVCQ_DATA_DIR=/data \
    DVCQ_BIND=0.0.0.0:8000 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
USER dvcq
WORKDIR /data
EXPOSE 8000
# migrations first (idempotent), then gunicorn; its master sweeps what a killed run left half done
CMD ["sh", "-c", "django-admin migrate --noinput && exec gunicorn -c python:portal.gunicorn_conf portal.wsgi"]
