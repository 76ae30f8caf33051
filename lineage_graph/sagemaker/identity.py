"""Which AWS account a sync reads: the shard key is (account, region), and it is needed before crawling."""

from __future__ import annotations

import botocore.exceptions

from lineage_graph.errors import AwsError, AwsUnreachableError
from lineage_graph.sagemaker.session import boto_session, sts_endpoints
from lineage_graph.settings import AwsSettings


def caller_account(settings: AwsSettings) -> str:
    """The account of the credentials, from STS GetCallerIdentity.

    With a role, the role's account. See ``sts_endpoints`` for where STS is asked. When nothing answers at
    an overridden SageMaker endpoint, that is the error: asking AWS's STS instead would only blame the
    credentials, and the sync could not reach SageMaker anyway.
    """
    session = boto_session(settings)
    failures: list[str] = []
    for endpoint in sts_endpoints(settings):
        try:
            sts = session.client("sts", endpoint_url=endpoint)
            return str(sts.get_caller_identity()["Account"])
        except botocore.exceptions.NoCredentialsError:
            raise AwsError("no AWS credentials found: configure a profile, env variables or a role") from None
        except botocore.exceptions.ConnectionError as err:
            if endpoint is None:
                failures.append(f"STS at AWS: {err}")
                continue
            reason = str(err.kwargs.get("error", err)).rpartition(": ")[2]
            raise AwsUnreachableError(
                f"the SageMaker endpoint {endpoint} is not reachable ({reason}); "
                "check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER"
            ) from None
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
            failures.append(f"STS at {endpoint or 'AWS'}: {err}")
    raise AwsError("cannot tell which AWS account the credentials belong to; " + "; ".join(failures))
