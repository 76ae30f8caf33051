"""query.view.crossing_view: an answer across the sources as the view the renderer draws (--format html)."""

from __future__ import annotations

from lineage_graph.query.view import crossing_view

TC = "arn:aws:sagemaker:us-east-1:111111111111:experiment-trial-component/train"
DATA = "arn:aws:sagemaker:us-east-1:111111111111:artifact/data"
MODEL = "arn:aws:sagemaker:us-east-1:111111111111:artifact/model"
ENDPOINT = "arn:aws:sagemaker:us-east-1:111111111111:context/churn-prod-aws-endpoint"
OL_DATA = "s3://acme-ml-features/churn/train.csv"
OL_JOB = "etl/features"


def vertex(
    uri: str, lineage_type: str, type_: str | None, name: str | None = None, source_uri: str | None = None
) -> dict[str, object]:
    return {"uri": uri, "lineage_type": lineage_type, "type": type_, "name": name, "source_uri": source_uri}


def edge(source: str, destination: str, relationship: str, rule: str | None = None) -> dict[str, object]:
    return {"source": source, "destination": destination, "relationship": relationship, "rule": rule}


def test_refs_kinds_depths_and_labels() -> None:
    vertices = [
        vertex(DATA, "Artifact", "DataSet", None, "s3://acme/train/"),
        vertex(MODEL, "Artifact", "Model", "churn-model"),
        vertex(ENDPOINT, "Context", "Endpoint", "churn-prod-aws-endpoint"),
        vertex(OL_DATA, "OpenLineage", "Dataset", "churn/train.csv"),
        vertex(OL_JOB, "OpenLineage", "Job", "etl/features"),
    ]
    edges = [
        edge(DATA, TC, "ContributedTo"),
        edge(TC, MODEL, "Produced"),
        edge(MODEL, ENDPOINT, "ContributedTo"),
        edge(OL_JOB, OL_DATA, "WROTE"),
        edge(OL_DATA, DATA, "SAME_OBJECT", "location"),
        edge(DATA, OL_DATA, "SAME_OBJECT", "location"),  # the join is stored both ways: drawn once
    ]
    view = crossing_view(vertices, edges, TC)
    nodes = {node.ref: node for node in view.nodes}
    assert view.start == TC
    # The start is not among the answer's entities: its kind comes from its ARN.
    assert (nodes[TC].kind, nodes[TC].name, nodes[TC].source) == ("TrialComponent", "train", "SageMaker")
    # An unnamed artifact is called by its source URI, which is where it is; an endpoint's is its ARN.
    assert (nodes[DATA].name, nodes[DATA].uri) == ("s3://acme/train/", "s3://acme/train/")
    assert nodes[ENDPOINT].uri == ENDPOINT
    ol_data, ol_job = f"openlineage:dataset:{OL_DATA}", f"openlineage:job:{OL_JOB}"
    assert (nodes[ol_data].kind, nodes[ol_data].name, nodes[ol_data].uri) == ("OpenLineageDataset", OL_DATA, OL_DATA)
    assert (nodes[ol_job].kind, nodes[ol_job].source) == ("OpenLineageJob", "OpenLineage")
    depths = {ref: node.depth for ref, node in nodes.items()}
    assert depths == {TC: 0, DATA: -1, MODEL: 1, ENDPOINT: 2, ol_data: -2, ol_job: -3}
    assert all(node.hidden == {"upstream": 0, "downstream": 0} for node in view.nodes)
    assert [(e.source, e.target, e.type, e.label) for e in view.edges] == [
        (DATA, TC, "CONTRIBUTED_TO", "ContributedTo"),
        (TC, MODEL, "PRODUCED", "Produced"),
        (MODEL, ENDPOINT, "CONTRIBUTED_TO", "ContributedTo"),
        (ol_job, ol_data, "WROTE", "wrote"),
        (ol_data, DATA, "SAME_OBJECT", "same object (location)"),
    ]
    json = view.as_json({"Artifact": {"colour": "#59a14f"}, "Action": {"colour": "#e15759"}})
    assert json["kinds"] == {"Artifact": {"colour": "#59a14f"}}  # only the kinds drawn


def test_an_openlineage_start_takes_its_kind_from_its_edges() -> None:
    run = "0191e3a2-5b6c-7d8e-9f00-112233445566"
    view = crossing_view([vertex(OL_DATA, "OpenLineage", "Dataset")], [edge(OL_DATA, run, "READ_BY")], run)
    nodes = {node.ref: node for node in view.nodes}
    assert view.start == f"openlineage:run:{run}"
    assert nodes[view.start].kind == "OpenLineageRun" and nodes[view.start].depth == 0
    assert nodes[f"openlineage:dataset:{OL_DATA}"].depth == -1
    untyped = crossing_view([], [edge(DATA, TC, "")], TC)
    assert [(e.type, e.label) for e in untyped.edges] == [("ASSOCIATED", "associated")]
