FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-noto-cjk fonts-wqy-zenhei \
       libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install -e . \
    && DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
       python manage.py collectstatic --no-input -v 0 \
    && useradd --system --home /app portal && mkdir -p .data/media && chown -R portal .data

USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
