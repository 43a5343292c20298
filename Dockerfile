# Production image: one image for web, worker and beat (docker-compose.yml changes only `command:`).

# Front-end packages come from npm at build time and are never committed.
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
# Collect with the production settings (the manifest storage writes staticfiles.json, which every
# page needs) and a throwaway key: collectstatic needs settings but no secrets, and no database.
RUN python manage.py vendor_frontend \
    && DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-only-not-a-secret DJANGO_ALLOWED_HOSTS=build \
       python manage.py collectstatic --no-input \
    && test -f staticfiles/staticfiles.json \
    && rm -rf node_modules
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
