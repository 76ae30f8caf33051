"""View.as_json: every field of the view, as dataclasses.asdict would give them, and only the kinds drawn."""

from __future__ import annotations

from dataclasses import asdict

from lineage_graph.kinds import kind_styles
from lineage_graph.query.view import Hub, View, ViewEdge, ViewNode, hub_ref


def test_as_json_is_the_views_fields_with_the_drawn_kinds_only() -> None:
    start = "arn:aws:sagemaker:us-east-1:1:artifact/a"
    view = View(
        start,
        [
            ViewNode(start, "Artifact", "DataSet", "a", "s3://b/a", "SageMaker", 0, {"upstream": 0, "downstream": 2}),
            ViewNode("openlineage:run:r", "OpenLineageRun", "Run", "etl", "r", "OpenLineage", 1, {}),
        ],
        [ViewEdge(start, "openlineage:run:r", "READ_BY", "read by")],
        [Hub(hub_ref(start, "downstream"), start, "downstream", 30, {"TrialComponent": 30})],
        "MATCH (n) RETURN n",
        {"arns": [start], "start": start},
        truncated=True,
    )
    styles = kind_styles()
    answer = view.as_json(styles)
    assert answer == {
        **asdict(view),
        "kinds": {"Artifact": styles["Artifact"], "OpenLineageRun": styles["OpenLineageRun"]},
    }
    answer["nodes"][0]["hidden"]["upstream"] = 9  # a copy: the view is unchanged
    assert view.nodes[0].hidden["upstream"] == 0
