"""Who calls the sandbox: the IAM identity behind a request's credentials, and the Studio user it stands for.

SageMaker records who created and last changed a resource as a ``UserContext`` (``CreatedBy``,
``LastModifiedBy``): the Studio user profile (``UserProfileArn``, ``UserProfileName``, ``DomainId``) when the
call came from Studio, and ``IamIdentity`` (``Arn``, ``PrincipalId``, ``SourceIdentity``), which "is
associated with model package groups, model packages and project entities only" (botocore's SageMaker
model, shapes ``UserContext`` and ``IamIdentity``; API reference, API_UserContext.html). SageMaker knows
both from the request's credentials, so the sandbox does too:

- ``IamIdentity`` is the caller as moto's STS knows it: an assumed-role session (its ARN and
  ``<role id>:<session name>``) or moto's default user for credentials it never issued;
- a session stands for a Studio user profile when it was assumed (``AssumeRole`` against the sandbox) with
  the session tags ``sagemaker:user-profile-arn`` (and ``sagemaker:domain-arn``): the sandbox has no Studio,
  and these are the tags from which it already infers a job's creator (``auto_lineage.studio_user``). Its
  ``SourceIdentity`` is kept for ``IamIdentity`` (a domain whose ``ExecutionRoleIdentityConfig`` is
  ``USER_PROFILE_NAME`` sets the user profile's name there).

moto's STS drops session tags and the source identity, and moto gives every model package the same made-up
user profile (``fake-user-profile-name``) as creator and, after an update, as last modifier. ``install()``
keeps the first two on the session and replaces the third with the caller of ``CreateModelPackage`` and
``UpdateModelPackage`` (which is how an approval gets its approver).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from lineage_graph.sandbox.auto_lineage import studio_user

_HOOK = "_lineage_graph_identity"


def _keep_session(original: Callable[..., Any]) -> Callable[..., Any]:
    """STS AssumeRole that keeps the request's session tags and source identity on the session."""

    @functools.wraps(original)
    def assume_role(self: Any) -> Any:
        result = original(self)
        session = result.result["Credentials"]  # moto's AssumedRole
        session.session_tags = list(self._get_param("Tags", []) or [])
        session.source_identity = self._get_param("SourceIdentity")
        return result

    setattr(assume_role, _HOOK, True)
    return assume_role


def _session(response: Any) -> Any | None:
    """The assumed-role session whose credentials signed the request, if moto's STS issued them."""
    from moto.sts.models import sts_backends

    backend = sts_backends[response.current_account][response.partition]
    return backend.get_assumed_role_from_access_key(response.get_access_key())


def studio_caller(response: Any) -> dict[str, str]:
    """The Studio user profile a request comes from (its session's tags), else empty: what SageMaker puts in
    CreatedBy of a lineage entity or association, which carry no IamIdentity."""
    session = _session(response)
    return studio_user(getattr(session, "session_tags", None))


def caller(response: Any) -> dict[str, Any]:
    """The UserContext of a model package write: the Studio user profile, if any, and the IAM identity."""
    from moto.sts.models import sts_backends

    session = _session(response)
    principal_id, arn, _account = sts_backends[response.current_account][response.partition].get_caller_identity(
        response.get_access_key(), response.region
    )
    iam = {"Arn": arn, "PrincipalId": principal_id, "SourceIdentity": getattr(session, "source_identity", None)}
    return studio_user(getattr(session, "session_tags", None)) | {
        "IamIdentity": {k: v for k, v in iam.items() if v is not None}
    }


def _package(response: Any, arn: str) -> Any | None:
    backend = response.sagemaker_backend
    return backend.model_packages.get(backend.model_package_name_mapping.get(arn, arn))


def _recording(field: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a model package handler so that the package it answers for records its caller as ``field``
    (``created_by`` on CreateModelPackage, ``last_modified_by`` on UpdateModelPackage)."""

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def recorded(self: Any) -> Any:
            result = original(self)
            package = _package(self, result.result["ModelPackageArn"])
            if package is not None:
                setattr(package, field, caller(self))
            return result

        setattr(recorded, _HOOK, True)
        return recorded

    return wrap


def _patch(cls: Any, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name)
    if not getattr(original, _HOOK, False):
        setattr(cls, name, wrap(original))


def install() -> None:
    """Keep STS sessions' tags and source identity; record model package writers. Idempotent."""
    from moto.sagemaker.responses import SageMakerResponse
    from moto.sts.responses import TokenResponse

    _patch(TokenResponse, "assume_role", _keep_session)
    _patch(SageMakerResponse, "create_model_package", _recording("created_by"))
    _patch(SageMakerResponse, "update_model_package", _recording("last_modified_by"))
