"""SageMaker's kind declarations: one per graph kind, in an order the sync's links need, and what derives
from them (the ARN resource types of association ends, the operations doctor grants)."""

from __future__ import annotations

import pytest

from lineage_graph import doctor
from lineage_graph.arn import Arn
from lineage_graph.graph import model
from lineage_graph.sagemaker import kinds
from lineage_graph.sagemaker.kinds import Listing, SageMakerKind

HERE = "arn:aws:sagemaker:us-east-1:123456789012"


def test_every_sagemaker_node_kind_is_crawled_once() -> None:
    declared = [k.node for k in kinds.KINDS if k.node is not None]
    sagemaker = [k for k in model.NODE_KINDS.values() if k.source == model.SAGEMAKER]
    assert sorted(k.label for k in declared) == sorted(k.label for k in sagemaker)


def test_the_load_order_puts_what_is_linked_to_first() -> None:
    order = [k.name for k in kinds.KINDS]
    assert order.index("Experiment") < order.index("Trial") < order.index("TrialComponent")  # IN_EXPERIMENT, IN_TRIAL
    # Pipeline steps link to trial components (the jobs) and artifacts (model packages): in before the pipelines.
    assert {kinds.TRIAL_COMPONENT, kinds.ARTIFACT} <= set(kinds.BEFORE_PIPELINES)
    assert kinds.PIPELINES == (kinds.PIPELINE, kinds.PIPELINE_EXECUTION)
    assert order[-1] == kinds.ASSOCIATION.name  # its ends find every node already written


@pytest.mark.parametrize(
    ("arn", "label"),
    [
        (f"{HERE}:experiment-trial-component/train-job-aws-training-job", "TrialComponent"),
        (f"{HERE}:experiment-trial/churn-trial", "Trial"),
        (f"{HERE}:experiment/churn", "Experiment"),
        (f"{HERE}:artifact/0123abcd", "Artifact"),
        (f"{HERE}:context/churn-endpoint-context", "Context"),
        (f"{HERE}:action/churn-deployment", "Action"),
    ],
)
def test_an_association_end_has_the_kind_its_arn_says(arn: str, label: str) -> None:
    assert kinds.KIND_BY_ARN_RESOURCE[Arn.parse(arn).resource_type].label == label


def test_doctor_grants_exactly_the_operations_the_kinds_declare() -> None:
    granted = [op.name for op in doctor.SAGEMAKER_OPERATIONS]
    assert len(granted) == len(set(granted))
    declared = {op.name for kind in kinds.KINDS for op in kind.operations}
    assert declared == set(granted)
    assert {"Search", "DescribeContext", "DescribeArtifact", "ListPipelineExecutionSteps"} <= declared
    assert (
        kinds.DESCRIBE_MODEL_PACKAGE in kinds.ARTIFACT.operations
        and kinds.DESCRIBE_MODEL_PACKAGE in kinds.ACTION.operations
    )


def test_a_search_listing_without_a_time_field_is_refused() -> None:
    with pytest.raises(ValueError, match="time field"):
        SageMakerKind("Odd", None, Listing(kinds.SEARCH, "Results", ("ExperimentTrial", "Trial")), lambda rec: rec)
