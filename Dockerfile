# samenbot: slim Python, non-root user, data in the /data volume, catalogs compiled at build.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAMEN_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY migrations ./migrations
COPY locales ./locales
RUN pip install --no-cache-dir -e . \
    && pybabel compile -d locales \
    && useradd --system --uid 10001 --home-dir /data samen \
    && mkdir -p /data && chown samen /data

USER samen
VOLUME ["/data"]
# Webhook mode only (samenbot run --webhook); long polling needs no port.
EXPOSE 8080
# Healthy = the process writes its heartbeat, reaches Telegram and delivers what is due.
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 \
    CMD ["samenbot", "status"]
CMD ["samenbot", "run"]
