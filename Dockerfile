# Floorkeeper: one process with everything; the SQLite log lives in the /data volume.
#
# Pinned: the base image by digest, every Python package by version and hash (requirements.lock
# for the server, requirements-build.lock for the build backend; both from `uv pip compile
# --generate-hashes`, commands at their top).
#
# The base image: python:3.11-slim-bookworm (Python 3.11, as the lock files were compiled for),
# pinned by the digest two unrelated public projects pin for that tag (an index digest: every
# architecture). No registry is reachable from where this file was written, so refresh it when
# you build, and pass a newer one the same way:
#   docker buildx imagetools inspect python:3.11-slim-bookworm     # "Digest:" of the index
#   docker build --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:<digest> .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements-build.lock ./
RUN pip install --require-hashes -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY frontend ./frontend
# the wire protocol's reference, served at /docs/protocol.md (pyproject.toml's force-include)
COPY docs/protocol.md ./docs/protocol.md
# The build backend comes from the hashed lock above, not from an unpinned isolated build.
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
# A generated organiser key goes to FLOORKEEPER_ORGANISER_KEY_FILE (mode 0600), not to the log.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    FLOORKEEPER_DATABASE_URL=sqlite:////data/floorkeeper.db \
    FLOORKEEPER_ORGANISER_KEY_FILE=/data/organiser-key

COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels

RUN useradd --system --uid 10001 --home-dir /data --create-home floorkeeper
USER floorkeeper
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2).status == 200 else 1)"

# Behind a TLS proxy (as it should be: cookies get Secure, limits count each phone), set
# FLOORKEEPER_FORWARDED_ALLOW_IPS to the proxy's address as the container sees it, e.g. its fixed
# address on a compose network (docker-compose.example.yml). The default trusts no proxy: a
# client reaching the port directly could otherwise forge X-Forwarded-For and dodge the limits.
CMD ["floorkeeper", "serve", "--host", "0.0.0.0", "--port", "8000"]
