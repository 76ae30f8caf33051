"""The explorer's lineage view, neighbours and impact APIs (docs/explorer.md), asked of a real `serve` over
the synced demo account with its upstream ETL posted as OpenLineage events, and a hub built beside it.
Expected answers come from the sandbox's own associations (``Account``) where SageMaker is concerned."""

from __future__ import annotations

import csv
import io
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

import pytest
import requests
from fixtures.browser import RecordedPage
from fixtures.serve_process import ServeProcess
from fixtures.synced_demo import Account, kind_of
from neo4j import Driver

from lineage_graph.query.lineage_view import LineageViews
from lineage_graph.query.refs import ref_of
from lineage_graph.settings import Neo4jSettings

REGION, ACCOUNT = "us-east-1", "123456789012"
SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
CHURN_ENDPOINT = f"{SM}:context/churn-prod-aws-endpoint"
FRAUD_ENDPOINT = f"{SM}:context/fraud-prod-aws-endpoint"
HUB_INPUTS = 40
FORMULA = '=HYPERLINK("http://example.com/x","click")'  # a source URI a spreadsheet would run


@pytest.fixture(scope="module")
def build_extra() -> Callable[[Any], dict[str, str]]:
    """A hub: forty datasets feeding one trial component, which produces an artifact whose source URI is a
    spreadsheet formula."""

    def build(client: Any) -> dict[str, str]:
        job = client.create_trial_component(TrialComponentName="hub-train")["TrialComponentArn"]
        built = {"hub-train": job}
        for i in range(HUB_INPUTS):
            name = f"hub-input-{i:02d}"
            arn = client.create_artifact(
                ArtifactName=name, Source={"SourceUri": f"s3://hub-bucket/inputs/{i:02d}/"}, ArtifactType="DataSet"
            )["ArtifactArn"]
            client.add_association(SourceArn=arn, DestinationArn=job, AssociationType="ContributedTo")
            built[name] = arn
        output = client.create_artifact(ArtifactName="hub-output", Source={"SourceUri": FORMULA}, ArtifactType="Model")
        client.add_association(SourceArn=job, DestinationArn=output["ArtifactArn"], AssociationType="Produced")
        built["hub-output"] = output["ArtifactArn"]
        return built

    return build


def get(serve: ServeProcess, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{serve.url}{path}", params=params, timeout=60)


def view(serve: ServeProcess, **params: Any) -> dict[str, Any]:
    response = get(serve, "/api/v1/lineage", **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_ref(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["ref"]: node for node in body["nodes"]}


def edge_set(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(edge["source"], edge["label"], edge["target"]) for edge in body["edges"]}


def sagemaker_edges(account: Account, refs: set[str]) -> set[tuple[str, str, str]]:
    """The sandbox's associations among ``refs``, as the view draws them."""
    return {
        (a["SourceArn"], a.get("AssociationType") or "associated", a["DestinationArn"])
        for a in account.associations
        if a["SourceArn"] in refs and a["DestinationArn"] in refs
    }


def walk(account: Account, start: str, depth: int, kinds: set[str] | None = None) -> dict[str, int]:
    """The sandbox's answer: SageMaker entities within ``depth`` hops upstream (negative) and downstream,
    through entities of ``kinds`` only (None: any), as the view walks them."""
    found = {start: 0}
    for sign, near, far in ((-1, "DestinationArn", "SourceArn"), (1, "SourceArn", "DestinationArn")):
        seen, queue = {start}, deque([(start, 0)])
        while queue:
            node, hops = queue.popleft()
            if hops == depth:
                continue
            for a in account.associations:
                nxt = a[far]
                if a[near] == node and nxt not in seen and (kinds is None or kind_of(nxt) in kinds):
                    seen.add(nxt)
                    found.setdefault(nxt, sign * (hops + 1))
                    queue.append((nxt, hops + 1))
    return found


def hidden_expected(account: Account, body: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Each drawn SageMaker node's associations each way that the view does not draw, by the sandbox."""
    drawn = edge_set(body)
    expected = {}
    for ref in by_ref(body):
        into = [a for a in account.associations if a["DestinationArn"] == ref]
        out = [a for a in account.associations if a["SourceArn"] == ref]
        expected[ref] = {
            "upstream": sum((a["SourceArn"], a.get("AssociationType") or "associated", ref) not in drawn for a in into),
            "downstream": sum(
                (ref, a.get("AssociationType") or "associated", a["DestinationArn"]) not in drawn for a in out
            ),
        }
    return expected


# -- the lineage view --------------------------------------------------------------------------------------


def test_the_endpoint_one_hop_each_way_is_its_deployment_with_what_feeds_that_hidden(
    serve: ServeProcess, synced_demo: Account
) -> None:
    body = view(serve, ref=CHURN_ENDPOINT)
    nodes = by_ref(body)
    expected = walk(synced_demo, CHURN_ENDPOINT, 1)
    assert {ref: node["depth"] for ref, node in nodes.items()} == expected
    # its deployments: the first, and the UpdateEndpoint that rolled it out to churn v4 (docs/audit.md)
    assert [kind_of(ref) for ref, depth in expected.items() if depth == -1] == ["Action", "Action"]
    assert edge_set(body) == sagemaker_edges(synced_demo, set(expected))
    assert {ref: node["hidden"] for ref, node in nodes.items()} == hidden_expected(synced_demo, body)
    deployments = [node for node in body["nodes"] if node["depth"] == -1]
    assert all(d["hidden"]["upstream"] > 0 for d in deployments)  # what each deployed: one more hop to draw
    start = nodes[CHURN_ENDPOINT]
    assert (start["kind"], start["type"], start["source"], start["name"]) == (
        "Context",
        "Endpoint",
        "SageMaker",
        "churn-prod-aws-endpoint",
    )
    assert start["uri"] == f"{SM}:endpoint/churn-prod"  # the endpoint, the context's source
    assert body["start"] == CHURN_ENDPOINT and body["hubs"] == [] and body["truncated"] is False
    assert set(body["kinds"]) == {"Context", "Action"}  # only the kinds drawn


def test_the_endpoint_three_hops_matches_the_sandbox_nodes_edges_and_hidden_counts(
    serve: ServeProcess, synced_demo: Account
) -> None:
    body = view(serve, ref=CHURN_ENDPOINT, depth=3)
    nodes = by_ref(body)
    expected = walk(synced_demo, CHURN_ENDPOINT, 3)
    assert {ref: node["depth"] for ref, node in nodes.items()} == expected
    assert min(expected.values()) == -3 and {kind_of(r) for r, d in expected.items() if d == -3} == {"TrialComponent"}
    assert edge_set(body) == sagemaker_edges(synced_demo, set(expected))
    assert {ref: node["hidden"] for ref, node in nodes.items()} == hidden_expected(synced_demo, body)
    training = next(node for node in body["nodes"] if node["depth"] == -3)
    assert training["type"] == "TrainingJob" and training["hidden"]["upstream"] >= 1  # its data, a hop further


def test_upstream_crosses_the_join_into_the_etl_that_made_the_training_data(
    serve: ServeProcess, synced_demo: Account
) -> None:
    body = view(serve, ref=CHURN_ENDPOINT, depth=10, direction="upstream")
    nodes = by_ref(body)
    assert all(node["depth"] < 0 for ref, node in nodes.items() if ref != CHURN_ENDPOINT)
    openlineage = {(node["kind"], node["uri"]) for node in body["nodes"] if node["source"] == "OpenLineage"}
    crm_run = next(
        uri
        for kind, uri in openlineage
        if kind == "OpenLineageRun" and nodes[f"openlineage:run:{uri}"]["name"].endswith("crm_customers")
    )
    dag_run = next(
        n["uri"] for n in body["nodes"] if n["kind"] == "OpenLineageRun" and n["name"] == "nightly_landing_to_raw"
    )
    assert {(kind, uri) for kind, uri in openlineage if kind != "OpenLineageRun"} == {
        ("OpenLineageDataset", "s3://acme-ml-raw/crm/customers"),
        ("OpenLineageDataset", "s3://acme-ml-raw/web/clickstream"),
        ("OpenLineageDataset", "s3://acme-landing/crm/customers"),
        ("OpenLineageDataset", "s3://acme-landing/web/clickstream"),
        ("OpenLineageDataset", f"arn:aws:glue:{REGION}:{ACCOUNT}/table/landing/crm_customers"),
        ("OpenLineageJob", "acme-emr/nightly_landing_to_raw.crm_customers"),
        ("OpenLineageJob", "acme-emr/nightly_landing_to_raw.web_clickstream"),
        ("OpenLineageJob", "acme-airflow/nightly_landing_to_raw"),
    }  # and not the payments ETL: churn trains on no transactions
    raw = "openlineage:dataset:s3://acme-ml-raw/crm/customers"
    landing = "openlineage:dataset:s3://acme-landing/crm/customers"
    run = f"openlineage:run:{crm_run}"
    edges = edge_set(body)
    joined = [(s, label, t) for s, label, t in edges if raw == s and label.startswith("same object")]
    assert len(joined) == 1 and nodes[joined[0][2]]["kind"] == "Artifact"  # the join, once, as data flows
    assert nodes[raw]["depth"] < nodes[joined[0][2]]["depth"]
    assert {(landing, "read by", run), (run, "wrote", raw)} <= edges
    assert ("openlineage:job:acme-emr/nightly_landing_to_raw.crm_customers", "has run", run) in edges
    assert (f"openlineage:run:{dag_run}", "parent of", run) in edges
    # The DAG run's third child (payments) is not upstream of churn: one child it does not draw.
    assert nodes[f"openlineage:run:{dag_run}"]["hidden"] == {"upstream": 0, "downstream": 1}


def test_a_view_stops_at_its_cap_nearest_first_and_says_so(
    serve: ServeProcess, synced_driver: Driver, neo4j_settings: Neo4jSettings
) -> None:
    whole = view(serve, ref=CHURN_ENDPOINT, depth=10, direction="upstream")
    assert whole["truncated"] is False
    capped = LineageViews(synced_driver, neo4j_settings.database, max_nodes=10).lineage(CHURN_ENDPOINT, "upstream", 10)
    assert capped.truncated is True and len(capped.nodes) == 10
    depths = {node["ref"]: node["depth"] for node in whole["nodes"]}
    assert {node.ref: node.depth for node in capped.nodes}.items() <= depths.items()
    nearest = sorted(depths.values(), reverse=True)[:10]
    assert sorted((node.depth for node in capped.nodes), reverse=True) == nearest  # breadth first
    drawn = {node.ref for node in capped.nodes}
    assert all(edge.source in drawn and edge.target in drawn for edge in capped.edges)
    # What the cap left out is hidden: each way, every node's neighbours are drawn or counted.
    whole_edges = edge_set(whole)
    for node in capped.nodes:
        ins = sum(1 for s, _, t in whole_edges if t == node.ref)
        drawn_ins = sum(1 for edge in capped.edges if edge.target == node.ref)
        assert node.hidden["upstream"] == ins - drawn_ins + by_ref(whole)[node.ref]["hidden"]["upstream"]


def test_the_views_cypher_returns_the_same_nodes_in_neo4j(
    serve: ServeProcess, synced_driver: Driver, neo4j_settings: Neo4jSettings
) -> None:
    body = view(serve, ref=CHURN_ENDPOINT, depth=10, direction="upstream")
    records, _, _ = synced_driver.execute_query(
        body["cypher"], body["cypher_params"], database_=neo4j_settings.database
    )
    refs = [ref_of({**dict(r["n"]), "labels": list(r["n"].labels)}) for r in records]
    assert sorted(refs) == sorted(by_ref(body)) and len(refs) > 20


def test_an_openlineage_ref_starts_a_view_of_its_own(serve: ServeProcess) -> None:
    ref = "openlineage:dataset:s3://acme-landing/payments/transactions"
    body = view(serve, ref=ref, direction="downstream", depth=2)
    nodes = by_ref(body)
    assert nodes[ref]["depth"] == 0 and nodes[ref]["kind"] == "OpenLineageDataset"
    run = next(n for n in body["nodes"] if n["depth"] == 1)
    assert run["kind"] == "OpenLineageRun" and run["name"] == "nightly_landing_to_raw.payments_transactions"
    assert ("openlineage:dataset:s3://acme-ml-raw/payments/transactions", 2) in {
        (r, n["depth"]) for r, n in nodes.items()
    }
    job = view(serve, ref="openlineage:job:acme-emr/nightly_landing_to_raw.payments_transactions")
    assert [n["kind"] for n in job["nodes"] if n["depth"] == 1] == ["OpenLineageRun"]  # a job's runs, downstream


def test_kinds_draw_and_walk_only_those_kinds_and_the_start(serve: ServeProcess, synced_demo: Account) -> None:
    kinds = {"Action", "Artifact"}
    body = view(serve, ref=CHURN_ENDPOINT, depth=3, kinds="Action,Artifact")
    expected = walk(synced_demo, CHURN_ENDPOINT, 3, kinds)
    assert {ref: node["depth"] for ref, node in by_ref(body).items()} == expected
    assert {node["kind"] for node in body["nodes"] if node["ref"] != CHURN_ENDPOINT} == kinds
    assert len(expected) < len(walk(synced_demo, CHURN_ENDPOINT, 3))  # the training job is left out, and its side


# -- hubs --------------------------------------------------------------------------------------------------


def test_a_trial_component_with_forty_inputs_shows_them_as_one_hub(serve: ServeProcess, synced_demo: Account) -> None:
    job = synced_demo.built["hub-train"]
    body = view(serve, ref=job)
    assert [node["ref"] for node in body["nodes"]] == [job, synced_demo.built["hub-output"]]
    assert body["hubs"] == [
        {
            "ref": f"hub:upstream:{job}",
            "parent": job,
            "direction": "upstream",
            "count": HUB_INPUTS,
            "kinds": {"Artifact": HUB_INPUTS},
        }
    ]
    assert (f"hub:upstream:{job}", f"{HUB_INPUTS} more", job) in edge_set(body)
    assert by_ref(body)[job]["hidden"] == {"upstream": HUB_INPUTS, "downstream": 0}
    # From one input the job is drawn, with the other 39 inputs hidden behind it.
    one = view(serve, ref=synced_demo.built["hub-input-07"], direction="downstream")
    assert by_ref(one)[job]["hidden"] == {"upstream": HUB_INPUTS - 1, "downstream": 1}


def test_neighbours_pages_through_every_input_of_the_hub_exactly_once(
    serve: ServeProcess, synced_demo: Account
) -> None:
    job = synced_demo.built["hub-train"]
    seen: list[str] = []
    remaining = []
    for offset in (0, 15, 30):
        response = get(serve, "/api/v1/neighbours", ref=job, direction="upstream", offset=offset, limit=15)
        assert response.status_code == 200, response.text
        page = response.json()
        parent = by_ref(page)[job]
        assert parent["depth"] == 0
        others = [node for node in page["nodes"] if node["ref"] != job]
        assert {node["depth"] for node in others} == {-1}
        assert edge_set(page) >= {(node["ref"], "ContributedTo", job) for node in others}
        seen += [node["ref"] for node in others]
        remaining.append([(hub["count"], hub["kinds"], hub["ref"]) for hub in page["hubs"]])
    assert len(seen) == len(set(seen)) == HUB_INPUTS
    assert set(seen) == {arn for name, arn in synced_demo.built.items() if name.startswith("hub-input-")}
    hub = f"hub:upstream:{job}"
    assert remaining == [[(25, {"Artifact": 25}, hub)], [(10, {"Artifact": 10}, hub)], []]


# -- bad requests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/api/v1/lineage", {}, 400, "'ref' is required"),
        ("/api/v1/lineage", {"ref": CHURN_ENDPOINT, "direction": "sideways"}, 400, "direction must be one of"),
        ("/api/v1/lineage", {"ref": CHURN_ENDPOINT, "depth": "0"}, 400, "depth must be a whole number from 1 to 10"),
        ("/api/v1/lineage", {"ref": CHURN_ENDPOINT, "depth": "11"}, 400, "depth must be"),
        ("/api/v1/lineage", {"ref": CHURN_ENDPOINT, "depth": "two"}, 400, "not 'two'"),
        ("/api/v1/lineage", {"ref": CHURN_ENDPOINT, "kinds": "Artifact,Widget"}, 400, "unknown kinds Widget"),
        ("/api/v1/lineage", {"ref": "churn-prod"}, 400, "is not a ref"),
        ("/api/v1/lineage", {"ref": f"{SM}:context/no-such-endpoint"}, 404, "no-such-endpoint"),
        ("/api/v1/lineage", {"ref": "openlineage:dataset:s3://nowhere/x"}, 404, "s3://nowhere/x"),
        ("/api/v1/lineage", {"ref": "openlineage:run:not-a-run"}, 404, "not-a-run"),
        ("/api/v1/neighbours", {"ref": CHURN_ENDPOINT}, 400, "'direction' is required"),
        ("/api/v1/neighbours", {"ref": CHURN_ENDPOINT, "direction": "both"}, 400, "upstream, downstream"),
        ("/api/v1/neighbours", {"ref": CHURN_ENDPOINT, "direction": "upstream", "limit": "0"}, 400, "limit"),
        ("/api/v1/neighbours", {"ref": CHURN_ENDPOINT, "direction": "upstream", "offset": "-1"}, 400, "offset"),
        ("/api/v1/impact", {"ref": CHURN_ENDPOINT}, 400, "impact starts from a dataset or an S3 prefix"),
        ("/api/v1/impact.csv", {"ref": f"{SM}:artifact/nothing"}, 404, "artifact/nothing"),
    ],
)
def test_bad_requests_say_why(serve: ServeProcess, path: str, params: dict[str, str], status: int, says: str) -> None:
    response = get(serve, path, **params)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]


# -- impact ---------------------------------------------------------------------------------------------------


def test_impact_of_the_payments_landing_data_is_grouped_across_both_sources(serve: ServeProcess) -> None:
    response = get(serve, "/api/v1/impact", ref="s3://acme-landing/payments/")
    assert response.status_code == 200, response.text
    impact = response.json()
    groups = {group["group"]: group for group in impact["groups"]}
    assert list(groups) == ["jobs", "models", "endpoints", "datasets", "other"]
    assert impact["count"] == sum(
        group["count"] == len(group["entities"]) and group["count"] for group in groups.values()
    )
    refs = {group: {e["ref"] for e in g["entities"]} for group, g in groups.items()}
    assert FRAUD_ENDPOINT in refs["endpoints"] and CHURN_ENDPOINT not in set().union(*refs.values())
    assert "openlineage:dataset:s3://acme-ml-raw/payments/transactions" in refs["datasets"]
    runs = [e for e in groups["jobs"]["entities"] if e["kind"] == "OpenLineageRun"]
    assert [(r["name"], r["depth"], r["source_uri"]) for r in runs] == [
        ("nightly_landing_to_raw.payments_transactions", 1, "acme-emr/nightly_landing_to_raw.payments_transactions")
    ]
    kinds = Counter((group, e["kind"]) for group, g in groups.items() for e in g["entities"])
    assert {kind for group, kind in kinds if group == "jobs"} == {"TrialComponent", "OpenLineageRun"}
    models = {(e["kind"], e["type"]) for e in groups["models"]["entities"]}
    assert ("Artifact", "Model") in models and models <= {("Artifact", "Model"), ("Context", "ModelGroup")}
    for group in groups.values():  # nearest first
        assert [e["depth"] for e in group["entities"]] == sorted(e["depth"] for e in group["entities"])
    # The same from the OpenLineage dataset's ref, its S3 location being the prefix.
    same = get(serve, "/api/v1/impact", ref="openlineage:dataset:s3://acme-landing/payments/transactions").json()
    assert same["prefix"] == "s3://acme-landing/payments/transactions" and same["count"] == impact["count"]


def test_impact_csv_is_a_download_of_every_row_with_formulas_made_text(
    serve: ServeProcess, synced_demo: Account
) -> None:
    ref = synced_demo.built["hub-input-03"]  # an artifact: its source URI is the prefix
    response = get(serve, "/api/v1/impact.csv", ref=ref)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="impact.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    impact = get(serve, "/api/v1/impact", ref=ref).json()
    assert len(rows) == impact["count"] == 2  # the job, and the model it produced
    model = next(row for row in rows if row["group"] == "models")
    assert model["source_uri"] == "'" + FORMULA  # text, not a formula
    assert model["ref"] == synced_demo.built["hub-output"] and model["depth"] == "2"
    job = next(row for row in rows if row["group"] == "jobs")
    assert (job["name"], job["kind"], job["depth"]) == ("hub-train", "TrialComponent", "1")


def test_the_impact_page_draws_a_table_per_group_and_links_the_csv(
    serve: ServeProcess, recorded_page: RecordedPage
) -> None:
    page = recorded_page.page
    page.goto(f"{serve.url}/impact?ref=s3://acme-landing/payments/")
    page.wait_for_selector("section.impact-group")
    groups = page.locator("section.impact-group").evaluate_all("els => els.map(e => e.dataset.group)")
    api = get(serve, "/api/v1/impact", ref="s3://acme-landing/payments/").json()
    assert groups == [g["group"] for g in api["groups"] if g["count"]]
    endpoints = page.locator("section[data-group=endpoints] tbody tr")
    assert endpoints.count() == len(next(g for g in api["groups"] if g["group"] == "endpoints")["entities"])
    link = page.get_by_role("link", name="fraud-prod-aws-endpoint").first
    assert link.get_attribute("href") == f"/entity?ref={requests.utils.quote(FRAUD_ENDPOINT, safe='')}"
    csv_link = page.get_by_role("link", name="Download CSV")
    assert csv_link.get_attribute("href") == "/api/v1/impact.csv?ref=s3%3A%2F%2Facme-landing%2Fpayments%2F"
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename == "impact.csv"
    assert recorded_page.foreign(serve.url) == []
