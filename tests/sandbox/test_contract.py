"""Contract: every response the sandbox gives matches botocore's output shape for its operation.

The raw JSON of each successful response is captured before botocore parses it (``before-parse``) and
checked recursively: required members present, no member outside the shape, JSON types per shape type
(string, integer/long, float/double, boolean, timestamp as epoch seconds, list, map, structure), enums,
string length, list/map size where modelled. The scenario seeds the demo account (automatic lineage:
jobs, packages, endpoints, pipeline steps) and then calls every operation the sandbox adds or fixes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.session
import pytest

from lineage_graph.sandbox.seed import DEMO_TRIAL_COMPONENT, seed_demo

MODEL = botocore.session.get_session().get_service_model("sagemaker")

# Every operation the sandbox implements or fixes; the scenario must exercise all of them.
OPERATIONS = {
    "CreateArtifact", "DescribeArtifact", "ListArtifacts", "UpdateArtifact", "DeleteArtifact",
    "CreateContext", "DescribeContext", "ListContexts", "UpdateContext", "DeleteContext",
    "CreateAction", "DescribeAction", "ListActions", "UpdateAction", "DeleteAction",
    "AddAssociation", "ListAssociations", "DeleteAssociation", "QueryLineage",
    "AddTags", "ListTags", "DeleteTags",
    "CreateExperiment", "DescribeExperiment", "ListExperiments",
    "CreateTrial", "DescribeTrial", "ListTrials",
    "CreateTrialComponent", "DescribeTrialComponent", "ListTrialComponents",
    "ListPipelines", "ListPipelineExecutions", "DescribePipelineExecution", "ListPipelineExecutionSteps",
    "Search",
}  # fmt: skip


def violations(shape: Any, value: Any, path: str = "$") -> list[str]:
    """Where ``value`` (parsed JSON) breaks ``shape`` (a botocore Shape); empty when it conforms."""
    kind = shape.type_name
    meta = shape.metadata
    found: list[str] = []
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object for {shape.name}, got {type(value).__name__}"]
        for name in shape.required_members:
            if name not in value:
                found.append(f"{path}: required member {name} missing")
        for name, item in value.items():
            if name not in shape.members:
                found.append(f"{path}: member {name} is not in {shape.name}")
            else:
                found += violations(shape.members[name], item, f"{path}.{name}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        found += _size(meta, len(value), path)
        for i, item in enumerate(value):
            found += violations(shape.member, item, f"{path}[{i}]")
        return found
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        found += _size(meta, len(value), path)
        for key, item in value.items():
            found += violations(shape.key, key, f"{path}<key {key!r}>")
            found += violations(shape.value, item, f"{path}[{key!r}]")
        return found
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {type(value).__name__}"]
        if shape.enum and value not in shape.enum:
            found.append(f"{path}: {value!r} not in enum {shape.name}")
        if "max" in meta and len(value) > meta["max"]:
            found.append(f"{path}: length {len(value)} > max {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            found.append(f"{path}: length {len(value)} < min {meta['min']}")
        return found
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected an integer, got {value!r}"]
        return found
    if kind in ("double", "float"):
        return [] if isinstance(value, int | float) and not isinstance(value, bool) else [f"{path}: expected a number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    if kind == "timestamp":
        return (
            []
            if isinstance(value, int | float) and not isinstance(value, bool)
            else [f"{path}: expected epoch seconds"]
        )
    if kind == "blob":
        return [] if isinstance(value, str) else [f"{path}: expected base64 text"]
    return [f"{path}: unchecked shape type {kind}"]


def _size(meta: dict[str, Any], size: int, path: str) -> list[str]:
    out = []
    if "max" in meta and size > meta["max"]:
        out.append(f"{path}: {size} items > max {meta['max']}")
    if "min" in meta and size < meta["min"]:
        out.append(f"{path}: {size} items < min {meta['min']}")
    return out


class Recorder:
    """Captures each response's operation, status and raw body before botocore parses it."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, int, bytes]] = []

    def __call__(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        self.responses.append((operation_model.name, response_dict["status_code"], response_dict["body"]))

    def problems(self) -> list[str]:
        found = []
        for operation, status, body in self.responses:
            if status != 200:
                found.append(f"{operation}: HTTP {status}: {body[:200]!r}")
                continue
            output = MODEL.operation_model(operation).output_shape
            document = json.loads(body) if body else {}
            if output is None:
                if document:
                    found.append(f"{operation}: body {document!r} where the model has no output")
                continue
            found += [f"{operation} {v}" for v in violations(output, document)]
        return found

    def operations(self) -> set[str]:
        return {operation for operation, status, _ in self.responses if status == 200}


# -- the validator itself ---------------------------------------------------------------------------------
def test_validator_catches_what_it_should() -> None:
    output = MODEL.operation_model("QueryLineage").output_shape
    good = {"Vertices": [{"Arn": "arn:x", "Type": "DataSet", "LineageType": "Artifact"}], "Edges": []}
    assert violations(output, good) == []
    bad = {
        "Vertices": [{"Arn": 5, "LineageType": "Experiment", "Extra": 1}],
        "Edges": [{"SourceArn": "a" * 300}],
        "NextToken": None,
    }
    found = "\n".join(violations(output, bad))
    for expected in (
        "expected a string",
        "not in enum",
        "Extra is not in",
        "> max 256",
        "NextToken: expected a string",
    ):
        assert expected in found
    describe = MODEL.operation_model("ListArtifacts").output_shape
    assert "required member SourceUri missing" in "\n".join(
        violations(describe, {"ArtifactSummaries": [{"Source": {}, "CreationTime": "yesterday"}]})
    )
    assert "expected epoch seconds" in "\n".join(
        violations(describe, {"ArtifactSummaries": [{"CreationTime": "yesterday"}]})
    )


# -- the scenario -----------------------------------------------------------------------------------------
def scenario(sm: Any) -> None:
    seed_demo(sm)
    account = sm.list_experiments(MaxResults=1)["ExperimentSummaries"][0]["ExperimentArn"].split(":")[4]
    region = sm.meta.region_name

    # Listings and describes over the seeded account, paging with small pages.
    for page in sm.get_paginator("list_artifacts").paginate(PaginationConfig={"PageSize": 50}):
        for summary in page["ArtifactSummaries"][:3]:
            sm.describe_artifact(ArtifactArn=summary["ArtifactArn"])
    for summary in sm.list_contexts(MaxResults=100)["ContextSummaries"]:
        sm.describe_context(ContextName=summary["ContextName"])
    for summary in sm.list_actions(MaxResults=100, SortBy="Name")["ActionSummaries"]:
        sm.describe_action(ActionName=summary["ActionName"])
    list(sm.get_paginator("list_associations").paginate(PaginationConfig={"PageSize": 100}))
    sm.list_associations(SortBy="SourceType", SortOrder="Ascending", MaxResults=5)
    list(sm.get_paginator("list_trial_components").paginate(PaginationConfig={"PageSize": 20}))
    tc = sm.describe_trial_component(TrialComponentName=DEMO_TRIAL_COMPONENT)
    sm.list_trial_components(SourceArn=tc["Source"]["SourceArn"])
    for experiment in sm.list_experiments(MaxResults=100)["ExperimentSummaries"]:
        sm.describe_experiment(ExperimentName=experiment["ExperimentName"])
        sm.list_trial_components(ExperimentName=experiment["ExperimentName"], MaxResults=5)
        for trial in sm.list_trials(ExperimentName=experiment["ExperimentName"])["TrialSummaries"]:
            sm.describe_trial(TrialName=trial["TrialName"])
            sm.list_trial_components(TrialName=trial["TrialName"])
    sm.list_trials(TrialComponentName=DEMO_TRIAL_COMPONENT)
    for pipeline in sm.list_pipelines(MaxResults=100)["PipelineSummaries"]:
        executions = sm.list_pipeline_executions(PipelineName=pipeline["PipelineName"], MaxResults=2)
        for execution in executions["PipelineExecutionSummaries"]:
            sm.describe_pipeline_execution(PipelineExecutionArn=execution["PipelineExecutionArn"])
            sm.list_pipeline_execution_steps(PipelineExecutionArn=execution["PipelineExecutionArn"])
            sm.list_tags(ResourceArn=execution["PipelineExecutionArn"])

    # QueryLineage every way, with paging.
    for direction in ("Ascendants", "Descendants", "Both"):
        token = None
        while True:
            page = sm.query_lineage(
                StartArns=[tc["TrialComponentArn"]],
                Direction=direction,
                IncludeEdges=True,
                MaxResults=7,
                **({"NextToken": token} if token else {}),
            )
            token = page.get("NextToken")
            if not token:
                break
    sm.query_lineage(
        StartArns=[tc["TrialComponentArn"]],
        Direction="Both",
        Filters={
            "Types": ["DataSet", "Model"],
            "LineageTypes": ["Artifact"],
            "CreatedBefore": datetime.now(UTC) + timedelta(days=1),
            "ModifiedAfter": datetime(2020, 1, 1, tzinfo=UTC),
        },
        MaxDepth=3,
    )

    # Create / update / delete / tag everything by hand.
    artifact = sm.create_artifact(
        ArtifactName="manual",
        Source={"SourceUri": "s3://contract/data.csv", "SourceTypes": [{"SourceIdType": "S3ETag", "Value": "abc"}]},
        ArtifactType="DataSet",
        Properties={"k": "v"},
        MetadataProperties={"Repository": "git"},
        Tags=[{"Key": "a", "Value": "b"}],
    )["ArtifactArn"]
    sm.describe_artifact(ArtifactArn=artifact)
    sm.update_artifact(ArtifactArn=artifact, Properties={"k": "w"})
    context = sm.create_context(
        ContextName="contract-ctx",
        Source={"SourceUri": "u", "SourceType": "ARN", "SourceId": "1"},
        ContextType="Endpoint",
    )["ContextArn"]
    sm.update_context(ContextName="contract-ctx", Description="d", Properties={"p": "q"})
    action = sm.create_action(
        ActionName="contract-act", Source={"SourceUri": "u"}, ActionType="Approval", Status="InProgress"
    )["ActionArn"]
    sm.update_action(ActionName="contract-act", Status="Completed")
    sm.add_association(SourceArn=artifact, DestinationArn=action, AssociationType="ContributedTo")
    sm.add_association(SourceArn=action, DestinationArn=context)
    sm.add_association(SourceArn=artifact, DestinationArn=tc["TrialComponentArn"], AssociationType="ContributedTo")
    sm.list_associations(SourceArn=artifact)
    sm.query_lineage(StartArns=[context], Direction="Ascendants", IncludeEdges=False)
    for arn in (artifact, context, action):
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "contract"}])
        sm.list_tags(ResourceArn=arn)
        sm.delete_tags(ResourceArn=arn, TagKeys=["owner"])
    sm.create_experiment(
        ExperimentName="contract-exp", DisplayName="contract", Description="d", Tags=[{"Key": "a", "Value": "b"}]
    )
    sm.create_trial(TrialName="contract-trial", ExperimentName="contract-exp", DisplayName="t")
    sm.create_trial_component(
        TrialComponentName="contract-tc",
        Status={"PrimaryStatus": "InProgress", "Message": "running"},
        StartTime=datetime.now(UTC),
        Parameters={"lr": {"NumberValue": 0.1}, "opt": {"StringValue": "adam"}},
        InputArtifacts={"train": {"Value": "s3://contract/data.csv", "MediaType": "text/csv"}},
        Tags=[{"Key": "a", "Value": "b"}],
    )
    sm.describe_trial_component(
        TrialComponentName=f"arn:aws:sagemaker:{region}:{account}:experiment-trial-component/contract-tc"
    )
    sm.describe_experiment(ExperimentName="contract-exp")
    sm.associate_trial_component(TrialComponentName="contract-tc", TrialName="contract-trial")
    sm.search(
        Resource="ExperimentTrialComponent",
        SearchExpression={
            "Filters": [
                {"Name": "LastModifiedTime", "Operator": "GreaterThanOrEqualTo", "Value": "2000-01-01T00:00:00Z"}
            ]
        },
        SortBy="LastModifiedTime",
        SortOrder="Ascending",
        MaxResults=100,
    )
    sm.search(Resource="ExperimentTrial", SortBy="CreationTime", SortOrder="Ascending", MaxResults=100)
    sm.describe_trial(TrialName="contract-trial")
    sm.delete_association(SourceArn=action, DestinationArn=context)
    sm.delete_artifact(ArtifactArn=artifact)
    sm.list_associations(SourceArn=artifact)  # a dangling edge: still well-formed
    sm.delete_context(ContextName="contract-ctx")
    sm.delete_action(ActionName="contract-act")


def test_every_response_matches_botocore_output_shapes(sagemaker_client: Any) -> None:
    recorder = Recorder()
    sagemaker_client.meta.events.register("before-parse.sagemaker.*", recorder)
    scenario(sagemaker_client)
    missing = OPERATIONS - recorder.operations()
    assert not missing, f"scenario does not exercise {sorted(missing)}"
    problems = recorder.problems()
    assert not problems, "\n".join(problems[:50])


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operations_exist_in_the_model(operation: str) -> None:
    assert operation in MODEL.operation_names
