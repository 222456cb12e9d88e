# Floorkeeper: one process with everything; the SQLite log lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    FLOORKEEPER_DATABASE_URL=sqlite:////data/floorkeeper.db

WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY frontend ./frontend
RUN pip install --no-cache-dir . && rm -rf /src

RUN useradd --system --uid 10001 --home-dir /data --create-home floorkeeper
USER floorkeeper
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2).status == 200 else 1)"

CMD ["floorkeeper", "serve", "--host", "0.0.0.0", "--port", "8000"]
