"""Which AWS account a sync reads: the shard key is (account, region), and it is needed before crawling."""

from __future__ import annotations

import os

import boto3
import botocore.exceptions

from lineage_graph.errors import AwsError
from lineage_graph.settings import AwsSettings


def caller_account(settings: AwsSettings) -> str:
    """The account of the credentials, from STS GetCallerIdentity.

    Where SageMaker's endpoint is overridden and STS's is not, that endpoint is asked first: the local
    sandbox serves STS beside SageMaker. boto3 itself honours AWS_ENDPOINT_URL_STS.
    """
    session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
    endpoints: list[str | None] = [None]
    if settings.endpoint_url and not os.environ.get("AWS_ENDPOINT_URL_STS"):
        endpoints.insert(0, settings.endpoint_url)
    failures: list[str] = []
    for endpoint in endpoints:
        try:
            sts = session.client("sts", endpoint_url=endpoint)
            return str(sts.get_caller_identity()["Account"])
        except botocore.exceptions.NoCredentialsError:
            raise AwsError("no AWS credentials found: configure a profile, env variables or a role") from None
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
            failures.append(f"STS at {endpoint or 'AWS'}: {err}")
    raise AwsError("cannot tell which AWS account the credentials belong to; " + "; ".join(failures))
