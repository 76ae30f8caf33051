"""The explorer's search and entity page over the synced demo and its ETL's OpenLineage events, through a
real `serve`: the JSON API, then the pages in Chromium (type, pick with the keyboard, read the entity).

One synced demo and one server serve the module; the events, and one dataset whose facet and job whose
documentation look like HTML, are posted to that server as a producer would.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from fixtures import plans
from fixtures.browser import RecordedPage
from fixtures.serve_process import ServeProcess
from fixtures.sync_cli import sync_json
from neo4j import Driver
from playwright.sync_api import Route, expect

from lineage_graph import cypher_files
from lineage_graph.graph.model import SAME_OBJECT
from lineage_graph.query.refs import parse_ref
from lineage_graph.query.search import words_query
from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
TRAINING = f"{ARN}:experiment-trial-component/{DEMO_TRIAL_COMPONENT}"
RAW_CUSTOMERS = "s3://acme-ml-raw/crm/customers"
ETL_JOB = "acme-emr/nightly_landing_to_raw.crm_customers"
# Values that a page would run or draw if it ever parsed data as HTML.
HOSTILE_IMG = '<img src=x onerror="document.body.dataset.owned=1">'
HOSTILE_SCRIPT = '<script>document.body.dataset.owned="2"</script>'
HOSTILE_DATASET = "s3://acme-hostile/exports"
PRODUCER = "https://github.com/example/lineage-graph-tests"


def hostile_event() -> dict[str, Any]:
    """A job event whose job documentation and output dataset's documentation facet are HTML and script."""
    documentation = (
        "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet"
    )
    job_documentation = (
        "https://openlineage.io/spec/facets/1-0-1/DocumentationJobFacet.json#/$defs/DocumentationJobFacet"
    )
    statistics = (
        "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json"
        "#/$defs/OutputStatisticsOutputDatasetFacet"
    )
    return {
        "eventTime": "2026-12-07T08:00:00Z",
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
        "job": {
            "namespace": "hostile",
            "name": "exporter",
            "facets": {
                "documentation": {"_producer": PRODUCER, "_schemaURL": job_documentation, "description": HOSTILE_SCRIPT}
            },
        },
        "outputs": [
            {
                "namespace": "s3://acme-hostile",
                "name": "exports",
                "facets": {
                    "documentation": {"_producer": PRODUCER, "_schemaURL": documentation, "description": HOSTILE_IMG}
                },
                # The statistics of this write: kept on the WROTE, shown beside the writer on the dataset's page.
                "outputFacets": {
                    "outputStatistics": {"_producer": PRODUCER, "_schemaURL": statistics, "rowCount": 7, "size": 2048}
                },
            }
        ],
    }


@pytest.fixture(scope="module")
def server(serve: ServeProcess) -> ServeProcess:
    """The demo's ``serve`` with its ETL posted, and the hostile event besides."""
    answer = requests.post(f"{serve.url}/api/v1/lineage", json=hostile_event(), timeout=30)
    assert answer.status_code == 201, answer.text
    return serve


def search(server: ServeProcess, q: str, **params: Any) -> list[dict[str, Any]]:
    answer = requests.get(f"{server.url}/api/v1/search", params={"q": q, **params}, timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["query"] == q.strip()
    return list(body["results"])


def entity(server: ServeProcess, ref: str) -> requests.Response:
    return requests.get(f"{server.url}/api/v1/entity", params={"ref": ref}, timeout=30)


# -- search ------------------------------------------------------------------------------------------------


def test_a_trial_component_is_found_by_a_prefix_of_its_name(server: ServeProcess) -> None:
    results = search(server, "churn-exec-3-tr")
    found = {r["ref"]: r for r in results}
    assert TRAINING in found
    assert found[TRAINING] | {"source_uri": None} == {
        "ref": TRAINING,
        "kind": "TrialComponent",
        "type": found[TRAINING]["type"],
        "name": DEMO_TRIAL_COMPONENT,
        "uri": TRAINING,
        "source": "SageMaker",
        "match": "prefix",
        "source_uri": None,
    }
    assert all(r["name"].startswith("churn-exec-3-tr") for r in results if r["match"] == "prefix")


def test_an_exact_name_ranks_before_its_prefixes_and_words(server: ServeProcess) -> None:
    results = search(server, DEMO_TRIAL_COMPONENT)
    assert results[0]["ref"] == TRAINING
    assert results[0]["match"] == "exact"
    matches = [r["match"] for r in results]
    assert matches == sorted(matches, key=["exact", "prefix", "text"].index)  # exact > prefix > words


def test_an_artifact_is_found_by_a_prefix_of_its_s3_uri(server: ServeProcess, synced_driver: Driver) -> None:
    records, _, _ = synced_driver.execute_query(
        "MATCH (a:Artifact) WHERE a.source_uri STARTS WITH 's3://acme-ml-features/' RETURN a.arn AS arn"
    )
    expected = {r["arn"] for r in records}
    assert expected
    results = search(server, "s3://acme-ml-features/", limit=100)
    artifacts = {r["ref"] for r in results if r["kind"] == "Artifact"}
    assert artifacts == expected
    assert all(r["source_uri"].startswith("s3://acme-ml-features/") for r in results if r["kind"] == "Artifact")


def test_an_openlineage_dataset_is_found_by_its_uri(server: ServeProcess) -> None:
    results = search(server, RAW_CUSTOMERS)
    assert results[0] == {
        "ref": f"openlineage:dataset:{RAW_CUSTOMERS}",
        "kind": "OpenLineageDataset",
        "type": None,
        "name": RAW_CUSTOMERS,
        "uri": RAW_CUSTOMERS,
        "source": "OpenLineage",
        "match": "exact",
        "source_uri": None,
    }


def test_an_openlineage_job_is_found_by_its_name_and_by_words(server: ServeProcess) -> None:
    by_name = search(server, "nightly_landing_to_raw.crm")
    assert f"openlineage:job:{ETL_JOB}" in {r["ref"] for r in by_name}
    by_words = search(server, "emr nightly_landing")  # words of its uri, the last one half typed
    job = next(r for r in by_words if r["ref"] == f"openlineage:job:{ETL_JOB}")
    assert (job["kind"], job["match"], job["source"]) == ("OpenLineageJob", "text", "OpenLineage")


def test_an_openlineage_run_is_found_by_its_id_and_a_prefix_of_it(server: ServeProcess) -> None:
    run_id = str(uuid.uuid5(uuid.UUID("6f1b0a52-4b7e-4c55-9d8e-6a1f3b2c9e01"), "nightly_landing_to_raw"))  # upstream.py
    exact = search(server, run_id)[0]
    assert (exact["ref"], exact["kind"], exact["name"], exact["match"]) == (
        f"openlineage:run:{run_id}",
        "OpenLineageRun",
        "nightly_landing_to_raw",
        "exact",
    )
    assert f"openlineage:run:{run_id}" in {r["ref"] for r in search(server, run_id[:9]) if r["match"] == "prefix"}


def test_words_inside_names_find_entities_of_either_source(server: ServeProcess) -> None:
    results = search(server, "clickstream")
    kinds = {r["kind"] for r in results}
    assert "OpenLineageDataset" in kinds
    assert "Artifact" in kinds  # s3://acme-ml-raw/web/clickstream/... as a SageMaker artifact's source URI


def test_words_of_a_dataset_are_found_as_soon_as_its_post_is_answered(server: ServeProcess) -> None:
    """The words index is eventually consistent (a commit queues its update): the search waits for the queue,
    so what a 201 answered is found at once, every time."""
    for attempt in range(30):
        word = f"zebra{attempt}x{uuid.uuid4().hex[:8]}"
        event = {
            "eventTime": "2026-12-07T09:00:00Z",
            "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
            "dataset": {"namespace": "s3://acme-words", "name": f"landing/{word}-part"},
        }
        answer = requests.post(f"{server.url}/api/v1/lineage", json=event, timeout=30)
        assert answer.status_code == 201, answer.text
        found = search(server, word)
        assert [r["match"] for r in found] == ["text"], (attempt, found)


def test_limit_bounds_the_results(server: ServeProcess) -> None:
    assert len(search(server, "churn")) == 20  # the default; the demo has more
    assert len(search(server, "churn", limit=3)) == 3
    for bad in ("0", "101", "x", "-1"):
        answer = requests.get(f"{server.url}/api/v1/search", params={"q": "churn", "limit": bad}, timeout=30)
        assert answer.status_code == 400
        assert "limit" in answer.json()["error"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}], ids=["missing", "empty", "blank"])
def test_an_empty_query_is_400(server: ServeProcess, params: dict[str, str]) -> None:
    answer = requests.get(f"{server.url}/api/v1/search", params=params, timeout=30)
    assert answer.status_code == 400
    assert "'q'" in answer.json()["error"]


@pytest.mark.parametrize(
    "text", ["churn AND (train OR", 'train~ "unclosed', "s3://acme-ml-raw/[", "\\ / ^ * ? { } ! : -", "NOT", "*"]
)
def test_lucene_syntax_in_the_text_is_plain_text(server: ServeProcess, text: str) -> None:
    results = search(server, text)
    assert all(set(r) == {"ref", "kind", "type", "name", "uri", "source", "match", "source_uri"} for r in results)


def test_lucene_syntax_is_searched_as_the_words_around_it(server: ServeProcess) -> None:
    refs = {r["ref"] for r in search(server, 'churn-exec-3 (+train) "aws~')}
    assert TRAINING in refs


# -- entity ------------------------------------------------------------------------------------------------


def test_a_training_jobs_page_has_its_parameters_metrics_and_neighbours(
    server: ServeProcess, synced_driver: Driver
) -> None:
    answer = entity(server, TRAINING)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    records, _, _ = synced_driver.execute_query(
        "MATCH (tc {arn: $arn}) RETURN properties(tc) AS props, "
        "COUNT { (tc)<--() } AS upstream, COUNT { (tc)-->() } AS downstream",
        arn=TRAINING,
    )
    props = records[0]["props"]
    assert (page["ref"], page["kind"], page["name"], page["source"]) == (
        TRAINING,
        "TrialComponent",
        DEMO_TRIAL_COMPONENT,
        "SageMaker",
    )
    parameters = {k.removeprefix("param."): v for k, v in props.items() if k.startswith("param.")}
    assert parameters and page["parameters"] == parameters
    metrics = {k.removeprefix("metric.") for k in props if k.startswith("metric.")}
    assert metrics and {f"{name}.{stat}" for name, stats in page["metrics"].items() for stat in stats} == metrics
    assert not any(k.startswith(("param.", "metric.", "tag.")) for k in page["properties"])
    assert page["properties"]["arn"] == TRAINING
    tags = {k.removeprefix("tag."): v for k, v in props.items() if k.startswith("tag.")}
    assert page["tags"] == tags
    counts = {d: sum(g["count"] for g in page["neighbours"][d]) for d in ("upstream", "downstream")}
    assert counts == {"upstream": records[0]["upstream"], "downstream": records[0]["downstream"]}
    datasets = next(g for g in page["neighbours"]["upstream"] if g["kind"] == "Artifact" and g["type"] == "DataSet")
    assert datasets["relationship"] == "CONTRIBUTED_TO"
    assert 0 < len(datasets["sample"]) <= min(datasets["count"], 5)
    assert page["last_seen"] is None  # an incremental first sync stamps no seen_at


def test_a_hubs_neighbours_are_counted_and_sampled(server: ServeProcess, synced_driver: Driver) -> None:
    records, _, _ = synced_driver.execute_query(
        "MATCH (n:LineageEntity)-->(m) WITH n, count(m) AS out ORDER BY out DESC, n.arn LIMIT 1 "
        "RETURN n.arn AS arn, out"
    )
    hub, out = records[0]["arn"], records[0]["out"]
    page = entity(server, hub).json()
    downstream = page["neighbours"]["downstream"]
    assert sum(g["count"] for g in downstream) == out
    assert all(len(g["sample"]) == min(g["count"], 5) for g in downstream)
    assert all(s["ref"].startswith("arn:") and s["name"] for g in downstream for s in g["sample"])


def test_an_openlineage_datasets_page_groups_its_facets(server: ServeProcess) -> None:
    page = entity(server, f"openlineage:dataset:{HOSTILE_DATASET}").json()
    assert page["facets"]["documentation"]["description"] == HOSTILE_IMG
    assert not any(k.startswith("facet.") for k in page["properties"])
    assert page["last_seen"].startswith("2026-12-07T08:00:00")  # the event of the job that wrote it
    writer = page["neighbours"]["upstream"]
    assert [(g["relationship"], g["kind"], g["count"]) for g in writer] == [("WROTE", "OpenLineageJob", 1)]
    assert writer[0]["sample"][0]["ref"] == "openlineage:job:hostile/exporter"
    assert writer[0]["sample"][0]["facets"] == {"outputStatistics": {"rowCount": 7, "size": 2048}}


def test_an_openlineage_jobs_page_says_when_it_was_last_seen(server: ServeProcess) -> None:
    page = entity(server, "openlineage:job:hostile/exporter").json()
    assert page["last_seen"].startswith("2026-12-07T08:00:00")
    assert page["facets"]["documentation"]["description"] == HOSTILE_SCRIPT


@pytest.mark.parametrize(
    "spelling", [f"{RAW_CUSTOMERS}/", "s3a://acme-ml-raw/crm/customers", "s3n://acme-ml-raw//crm/customers/"]
)
def test_a_dataset_ref_is_spelt_as_the_join_spells_locations(server: ServeProcess, spelling: str) -> None:
    (found,) = [r for r in search(server, RAW_CUSTOMERS) if r["uri"] == RAW_CUSTOMERS]
    page = entity(server, f"openlineage:dataset:{spelling}")
    assert page.status_code == 200, page.text
    assert page.json()["ref"] == found["ref"]
    view = requests.get(f"{server.url}/api/v1/lineage", params={"ref": f"openlineage:dataset:{spelling}"}, timeout=30)
    assert view.status_code == 200, view.text


def test_a_ref_that_names_nothing_is_404(server: ServeProcess) -> None:
    answer = entity(server, f"{ARN}:artifact/no-such-artifact")
    assert answer.status_code == 404
    assert "no-such-artifact" in answer.json()["error"]


@pytest.mark.parametrize("ref", ["churn", "openlineage:table:x", "openlineage:dataset:", "arn:"])
def test_a_malformed_ref_is_400(server: ServeProcess, ref: str) -> None:
    answer = entity(server, ref)
    assert answer.status_code == 400
    assert "is not a ref" in answer.json()["error"]


# -- the pages, in Chromium ----------------------------------------------------------------------------------


def test_search_as_you_type_then_open_a_result_with_the_keyboard(
    server: ServeProcess, recorded_page: RecordedPage
) -> None:
    page = recorded_page.page
    page.goto(server.url + "/")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("churn-exec-3-train-aws-t", delay=20)
    options = page.get_by_role("option")
    expect(options.first).to_contain_text(DEMO_TRIAL_COMPONENT)
    searches = [url for url in recorded_page.requests if "/api/v1/search?" in url]
    assert 1 <= len(searches) <= 6, searches  # debounced: not one a keystroke (24 typed, 20 ms apart)
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    if options.count() > 1:  # down to the second, up to the first again
        box.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(options.first).to_have_attribute("aria-selected", "false")
        box.press("ArrowUp")
        expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id") or "")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/entity\?ref="))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(DEMO_TRIAL_COMPONENT)
    expect(main.get_by_role("table", name="Parameters")).to_be_visible()
    expect(main.get_by_role("table", name="Metrics")).to_be_visible()
    expect(main.get_by_role("table", name="Properties")).to_contain_text(TRAINING)
    lineage = "/lineage?" + urlencode({"ref": TRAINING})
    expect(main.get_by_role("link", name="Lineage")).to_have_attribute("href", lineage)
    assert recorded_page.foreign(server.url) == []


def test_only_the_latest_answer_is_drawn(server: ServeProcess, recorded_page: RecordedPage) -> None:
    page = recorded_page.page
    held: list[Route] = []  # the first question's answer, let through only after the second's is drawn

    def hold_the_first(route: Route) -> None:
        if "q=churn" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/search?*", hold_the_first)
    page.goto(server.url + "/")
    box = page.get_by_role("combobox", name="Search")
    with page.expect_request(lambda request: "q=churn" in request.url):
        box.fill("churn")
    box.fill("fraud")
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("fraud")
    with page.expect_response(lambda response: "q=churn" in response.url):
        held[0].continue_()
    page.wait_for_timeout(200)  # time for the late answer to be drawn, were it drawn
    names = options.all_inner_texts()
    assert names and all("fraud" in name for name in names), names
    assert box.input_value() == "fraud"


def test_values_that_look_like_html_render_as_text(server: ServeProcess, recorded_page: RecordedPage) -> None:
    page = recorded_page.page
    page.goto(f"{server.url}/entity?ref=openlineage:dataset:{HOSTILE_DATASET}")
    main = page.locator("main")
    expect(main).to_contain_text(HOSTILE_IMG)
    # The write's statistics beside the job that wrote it.
    expect(main.locator("ul.sample li", has_text="exporter")).to_contain_text("outputStatistics: rowCount 7, size 2048")
    page.goto(f"{server.url}/entity?ref=openlineage:job:hostile/exporter")
    expect(main).to_contain_text(HOSTILE_SCRIPT)
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("document.body.dataset.owned") is None
    assert recorded_page.foreign(server.url) == []


# -- plans: every read starts from an index ---------------------------------------------------------------

WHOLE_GRAPH_SCANS = (
    "AllNodesScan",
    "NodeByLabelScan",
    "UndirectedRelationshipTypeScan",
    "DirectedRelationshipTypeScan",
)
INDEX_SEEKS = ("NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange")


def operators(driver: Driver, name: str, **params: Any) -> tuple[list[str], int]:
    """PROFILE ``cypher/<name>.cypher``: its operators (without ``@database``) and its db hits."""
    plan = plans.profile(driver, cypher_files.read(name), params)
    return plan.operators, plan.db_hits


@pytest.mark.parametrize("query", [TRAINING, "churn-exec", "s3://acme-ml-raw/", RAW_CUSTOMERS, "acme-emr/", "6f1b"])
def test_search_seeks_an_index_in_every_branch(server: ServeProcess, synced_driver: Driver, query: str) -> None:
    plan, hits = operators(synced_driver, "search", query=query, limit=20)
    assert not [op for op in plan if op.startswith(WHOLE_GRAPH_SCANS)], plan
    branches = cypher_files.read("search").count("MATCH (n:")
    assert sum(op in INDEX_SEEKS for op in plan) == branches, plan
    assert hits < 2_000  # each branch reads at most $limit index entries and their nodes


def test_search_by_words_asks_the_full_text_index(server: ServeProcess, synced_driver: Driver) -> None:
    plan, _ = operators(synced_driver, "search_words", words=words_query("churn train"), limit=20)
    assert "ProcedureCall" in plan
    assert not [op for op in plan if op.startswith(WHOLE_GRAPH_SCANS)], plan


def test_the_entity_page_seeks_its_entity_and_reads_only_its_relationships(
    server: ServeProcess, synced_driver: Driver
) -> None:
    records, _, _ = synced_driver.execute_query(
        "MATCH (n:Artifact:Image) RETURN n.arn AS arn, COUNT { (n)--() } AS degree ORDER BY degree DESC LIMIT 1"
    )
    hub, degree = records[0]["arn"], records[0]["degree"]
    params = parse_ref(hub).params()
    plan, hits = operators(synced_driver, "entity", **params, same_object=SAME_OBJECT, sample=5)
    assert not [op for op in plan if op.startswith(WHOLE_GRAPH_SCANS)], plan
    assert sum(op in INDEX_SEEKS for op in plan) == 4, plan  # one per kind of key a ref may hold
    assert hits <= 20 * degree + 500, (hits, degree)  # a neighbour costs its relationship, labels and type


def test_the_views_an_entity_page_links_are_those_that_answer_for_it(
    server: ServeProcess, recorded_page: RecordedPage
) -> None:
    endpoint = f"{ARN}:context/churn-prod-aws-endpoint"
    page = recorded_page.page
    page.goto(f"{server.url}/entity?" + urlencode({"ref": endpoint}))
    links = page.get_by_role("navigation", name="Views of this entity")
    expect(links.get_by_role("link", name="Audit")).to_have_attribute("href", "/audit?" + urlencode({"ref": endpoint}))
    expect(page.locator("main .what")).to_contain_text("Endpoint")
    page.goto(f"{server.url}/entity?" + urlencode({"ref": TRAINING}))
    expect(links.get_by_role("link", name="Lineage")).to_be_visible()
    expect(links.get_by_role("link", name="Audit")).to_have_count(0)
    expect(links.get_by_role("link", name="Impact")).to_have_count(0)  # impact starts from data
    dataset = f"openlineage:dataset:{HOSTILE_DATASET}"
    page.goto(f"{server.url}/entity?" + urlencode({"ref": dataset}))
    expect(links.get_by_role("link", name="Impact")).to_have_attribute("href", "/impact?" + urlencode({"ref": dataset}))
    assert recorded_page.foreign(server.url) == []


# -- last: a full sync stamps what it listed (the other tests read the graph as the first sync left it) ------


def test_a_full_sync_is_when_the_page_says_an_entity_was_last_seen(
    server: ServeProcess, synced_driver: Driver, sync_env: dict[str, str]
) -> None:
    sync_json(sync_env, "--full")
    records, _, _ = synced_driver.execute_query("MATCH (n {arn: $arn}) RETURN n.seen_at AS seen", arn=TRAINING)
    seen = records[0]["seen"]
    assert seen is not None
    assert entity(server, TRAINING).json()["last_seen"] == seen.iso_format()
