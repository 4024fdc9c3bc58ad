# Paja on SQLite (or PostgreSQL via PAJA_DATABASE_URL). Dependencies come from pyproject.toml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/paja
RUN useradd --create-home --uid 10001 paja
# The PDF export (WeasyPrint) needs Pango and a font; the slim image has neither.
RUN apt-get update && apt-get install -y --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md babel.cfg ./
COPY app ./app
COPY migrations ./migrations
# Editable, so `paja migrate` finds migrations/ beside the package. Theme suggestions
# with sentence embeddings: docker build --build-arg EXTRAS='[themes]' (adds ~90 MB).
ARG EXTRAS=""
RUN pip install -e ".${EXTRAS}" && mkdir -p /srv/paja/data && chown paja /srv/paja/data

USER paja
EXPOSE 8000
VOLUME ["/srv/paja/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["paja", "serve", "--host", "0.0.0.0", "--port", "8000"]
