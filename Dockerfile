# Between: a slim image that runs as a non-root user with its database in a volume.
FROM python:3.11-slim AS build
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY locales ./locales
RUN pip install . \
    && python -m babel.messages.frontend compile -d locales -D messages

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 between \
    && mkdir /data && chown between:between /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=between:between /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BETWEEN_DB=/data/between.sqlite3
WORKDIR /app
USER between
VOLUME ["/data"]
EXPOSE 8443
CMD ["python", "-m", "bot"]
