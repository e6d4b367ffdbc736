# syntax=docker/dockerfile:1
# Build stage: dependencies first (cached while only the source changes), then the source,
# then the default model, trained from the seed set and the team's corpus.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
RUN python -m venv /opt/venv
COPY requirements.txt ./
RUN pip install --no-compile -r requirements.txt
COPY model/ model/
COPY training/ training/
COPY service/ service/
COPY seeds/ seeds/
RUN python -m training.train --models-dir /app/var/models --quiet

# Runtime stage: the virtual environment, the code and the trained model; no compiler,
# no pip cache, a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    MODERATION_MODEL_DIR=/app/var/models \
    MODERATION_FEEDBACK_DB=/app/var/data/feedback.sqlite3 \
    GUNICORN_BIND=0.0.0.0:8000
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home moderation
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app/model /app/model
COPY --from=build /app/training /app/training
COPY --from=build /app/service /app/service
COPY --from=build --chown=moderation:moderation /app/var /app/var
RUN mkdir -p /app/var/data && chown moderation:moderation /app/var/data
USER 10001:10001
EXPOSE 8000
VOLUME ["/app/var/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["gunicorn", "-c", "python:service.gunicorn_conf"]
