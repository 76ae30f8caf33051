# The lineage-graph CLI; docker-compose.yml runs `lineage-graph sync` from it on a schedule and
# `lineage-graph serve` (the OpenLineage receiver, port 5000) as a service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the wheel is built from (see .dockerignore): pyproject, README, the package and its Cypher files.
COPY pyproject.toml README.md ./
COPY cypher ./cypher
COPY lineage_graph ./lineage_graph
RUN pip install . && rm -rf /src

RUN useradd --create-home --uid 10001 lineage
USER lineage
WORKDIR /home/lineage

EXPOSE 5000
ENTRYPOINT ["lineage-graph"]
CMD ["--help"]
