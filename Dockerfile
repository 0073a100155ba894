# syndata: one image for the REST API, the Celery workers, the Streamlit UI and the MLflow
# server of compose.yaml.
#
#   docker build -t syndata .
#   docker run --rm -p 8000:8000 -e SYNDATA_API_KEY=sk_... -v syndata-data:/data \
#       syndata syndata serve --host 0.0.0.0 --port 8000 --workers 2
#
# The default command serves the API without embedded workers (`--workers 0`): jobs run on
# `syndata worker` containers through SYNDATA_BROKER_URL (see compose.yaml). On its own,
# run it with `--workers N` as above, or jobs stay queued.
#
# The `sdv` extra (torch, SDV) is not installed: it only adds alternative engines.

ARG PYTHON_IMAGE=python:3.11-slim

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first (a layer that code changes do not invalidate): install the project's
# requirements with empty packages, then the code. pandas stays below 3, as tested
# (mlflow allows pandas 3, which a fresh resolve would otherwise pick).
COPY pyproject.toml README.md ./
RUN mkdir -p syndata model_registry app_api app_ui \
    && pip install . "pandas>=2.2,<3" \
    && pip uninstall -y syndata

COPY syndata ./syndata
COPY model_registry ./model_registry
COPY app_api ./app_api
COPY app_ui ./app_ui
RUN pip install --no-deps . \
    && python -c "import syndata, app_api.main, model_registry, app_ui"

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SYNDATA_HOME=/data \
    MLFLOW_DISABLE_TELEMETRY=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

RUN groupadd --system --gid 10001 syndata \
    && useradd --system --uid 10001 --gid syndata --create-home --home-dir /home/syndata \
       --shell /usr/sbin/nologin syndata \
    && mkdir -p /data /app \
    && chown syndata:syndata /data /app

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# `streamlit run app_ui/app.py` runs the UI from this folder; the rest is in /opt/venv.
COPY --chown=syndata:syndata app_ui ./app_ui
COPY --chown=syndata:syndata examples ./examples

USER syndata
# uploads, job outputs, logs, the audit log (and, without servers, the SQLite job store and
# MLflow store): share it between the API and the workers
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["syndata", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "0"]
