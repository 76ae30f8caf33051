"""SageMaker ARNs: parse once, fail with a message that names the bad value."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sagemaker:(?P<region>[a-z0-9-]*):(?P<account>\d{12}|aws):"
    r"(?P<resource_type>[a-z-]+)/(?P<resource_id>.+)$"
)


class MalformedArnError(ValueError):
    """An ARN that is not a SageMaker resource ARN."""


@dataclass(frozen=True)
class Arn:
    partition: str
    region: str
    account: str
    resource_type: str  # "artifact", "experiment-trial-component", "pipeline", ...
    resource_id: str  # everything after the first "/"

    @classmethod
    def parse(cls, arn: str) -> Arn:
        match = _ARN.match(arn or "")
        if match is None:
            raise MalformedArnError(f"not a SageMaker ARN: {arn!r}")
        return cls(**match.groupdict())
