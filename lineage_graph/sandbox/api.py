"""HTTP handlers moto's SageMakerResponse lacks: artifacts, contexts, actions, associations, QueryLineage.

moto dispatches a request to the ``SageMakerResponse`` method named after the operation (``ListArtifacts``
→ ``list_artifacts``), looked up at call time, and serialises the dict it returns against botocore's
output shape. ``install()`` sets the handlers below on that class. Besides the lineage APIs it replaces
moto's handlers where moto is too thin for the crawler: experiments, trials and trial components (tags,
display names, ``Source``, filters, sorting), tags on lineage and pipeline-execution ARNs, pipeline listings
(pagination, sorting) and ``ListPipelineExecutionSteps``; and ``UpdateEndpoint``, which moto lacks, with the
lineage SageMaker records for it (``auto_lineage.after_endpoint_update``).

Every handler first checks its input against botocore's input shape as SageMaker does (required members,
lengths, ranges, enums, patterns), so out-of-range ``MaxResults`` or a bad enum gives SageMaker's
``ValidationException`` message. ``NextToken`` is opaque: an offset bound to the request's other parameters.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import json
import re
import threading
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any, TypeVar

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ConflictException, ResourceNotFound, ValidationError

from lineage_graph.sandbox.auto_lineage import after_endpoint_update
from lineage_graph.sandbox.identity import studio_caller
from lineage_graph.sandbox.lineage_store import (
    ASSOCIATION_TYPES,
    Association,
    EntityKind,
    LineageEntity,
    LineageStore,
    store_for,
)

T = TypeVar("T")
# A handler's answer: a JSON body written by ``_result``, or moto's own result (errors, empty bodies).
Response = ActionResult | str
Handler = Callable[[Any], Response]

_HANDLERS: dict[str, Handler] = {}
_MARK = "_lineage_graph_api"


def _handler(fn: Handler) -> Handler:
    setattr(fn, _MARK, True)
    _HANDLERS[fn.__name__] = fn
    return fn


def install() -> None:
    """Add the handlers to moto's SageMakerResponse. Idempotent."""
    from moto.sagemaker.responses import SageMakerResponse

    for name, fn in _HANDLERS.items():
        current = SageMakerResponse.__dict__.get(name)
        if current is not fn:
            setattr(SageMakerResponse, name, fn)


# -- input validation against botocore's model ---------------------------------------------------------
@cache
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker")


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:  # Java-only constructs such as \p{L}: not checked
        return None


def _shape_errors(shape: Any, value: Any, path: str, errors: list[str]) -> None:
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return
        for name in shape.required_members:
            if value.get(name) is None:
                errors.append(
                    f"Value null at '{_join(path, name)}' failed to satisfy constraint: Member must not be null"
                )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _shape_errors(member, value[name], _join(path, name), errors)
    elif kind in ("list", "map"):
        size = len(value) if isinstance(value, list | dict) else 0
        if "min" in meta and size < meta["min"]:
            errors.append(_constraint(value, path, f"Member must have length greater than or equal to {meta['min']}"))
        if "max" in meta and size > meta["max"]:
            errors.append(_constraint(value, path, f"Member must have length less than or equal to {meta['max']}"))
        if kind == "list" and isinstance(value, list):
            for item in value:
                _shape_errors(shape.member, item, path, errors)
        elif isinstance(value, dict):
            for key, item in value.items():
                _shape_errors(shape.key, key, path, errors)
                _shape_errors(shape.value, item, path, errors)
    elif kind == "string" and isinstance(value, str):
        if "min" in meta and len(value) < meta["min"]:
            errors.append(_constraint(value, path, f"Member must have length greater than or equal to {meta['min']}"))
        if "max" in meta and len(value) > meta["max"]:
            errors.append(_constraint(value, path, f"Member must have length less than or equal to {meta['max']}"))
        if shape.enum and value not in shape.enum:
            errors.append(_constraint(value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"))
        pattern = _compiled(meta["pattern"]) if "pattern" in meta else None
        if pattern is not None and not pattern.fullmatch(value):
            errors.append(
                _constraint(value, path, f"Member must satisfy regular expression pattern: {meta['pattern']}")
            )
    elif kind in ("integer", "long") and isinstance(value, int):
        if "min" in meta and value < meta["min"]:
            errors.append(_constraint(value, path, f"Member must have value greater than or equal to {meta['min']}"))
        if "max" in meta and value > meta["max"]:
            errors.append(_constraint(value, path, f"Member must have value less than or equal to {meta['max']}"))


def _join(path: str, name: str) -> str:
    return f"{path}.{_camel(name)}" if path else _camel(name)


def _constraint(value: Any, path: str, rule: str) -> str:
    return f"Value '{value}' at '{path}' failed to satisfy constraint: {rule}"


def _params(response: Any, operation: str) -> dict[str, Any]:
    """The request's parameters, validated as SageMaker validates them."""
    params = dict(getattr(response, "params", None) or {})
    errors: list[str] = []
    _shape_errors(_service_model().operation_model(operation).input_shape, params, "", errors)
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise ValidationError(f"{len(errors)} validation {noun} detected: " + "; ".join(errors))
    return params


# -- small helpers ------------------------------------------------------------------------------------------
def _aware(value: Any) -> datetime | None:
    """A timestamp as an aware UTC datetime (moto keeps naive UTC; requests may carry either)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    return _aware(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _time_window(
    params: dict[str, Any], *, inclusive: bool, after: str = "CreatedAfter", before: str = "CreatedBefore"
) -> Callable[[Any], bool]:
    """Whether a timestamp is within the request's ``after`` and ``before`` bounds, compared at the millisecond
    precision responses carry. Made once per listing: parsing the bounds again for every entity was most of
    an incremental listing's cost at a million entities."""
    low, high = _aware(params.get(after)), _aware(params.get(before))
    if low is None and high is None:
        return lambda when: True

    def within(when: Any) -> bool:
        moment = _aware(when)
        if moment is None:
            return False
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        if low is not None and (moment < low if inclusive else moment <= low):
            return False
        return not (high is not None and (moment > high if inclusive else moment >= high))

    return within


def _sorted(items: list[T], key: Callable[[T], Any], order: str | None) -> list[T]:
    """Sort by ``key``, ties in insertion order (reversed for Descending); SageMaker defaults to Descending."""
    indexed = list(enumerate(items))
    indexed.sort(key=lambda pair: (_sort_value(key(pair[1])), pair[0]), reverse=(order or "Descending") == "Descending")
    return [item for _, item in indexed]


def _sort_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (1, _aware(value))
    return (0, "" if value is None else str(value))


def _fingerprint(params: dict[str, Any]) -> str:
    basis = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _decode_token(params: dict[str, Any]) -> int:
    token = params.get("NextToken")
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["f"] != _fingerprint(params) or not isinstance(data["o"], int) or data["o"] < 0:
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ValidationError(
            "Invalid pagination token: the token is malformed or was issued for other filters."
        ) from None


def _encode_token(params: dict[str, Any], offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "f": _fingerprint(params)}).encode()).decode()


def _page(items: list[T], params: dict[str, Any], default: int = 10) -> tuple[list[T], str | None]:
    """One page of ``items`` by ``MaxResults`` (validated already) and ``NextToken``."""
    offset = _decode_token(params)
    size = params.get("MaxResults") or default
    end = offset + size
    return items[offset:end], (_encode_token(params, end) if end < len(items) else None)


class _Listings:
    """Filtered, sorted listings by (backend, operation, filters), kept until the sandbox next changes.

    A client pages through a listing with one request per page; rebuilding the whole filtered, sorted list
    for each page made paging quadratic (seconds per page at 100k entities). Now the list is built once
    and each page is a slice. ``changed()`` is called after every write (``ChangeTracker`` in server.py,
    and code that writes to the stores directly), so a page never comes from a list older than a write.
    """

    def __init__(self, size: int = 64) -> None:
        self.generation = 0
        self._size = size
        self._cache: OrderedDict[tuple[int, str, str], tuple[int, list[Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def changed(self) -> None:
        with self._lock:
            self.generation += 1
            self._cache.clear()

    def get(self, backend: Any, operation: str, params: dict[str, Any], build: Callable[[], list[T]]) -> list[T]:
        key = (id(backend), operation, _fingerprint(params))
        with self._lock:
            generation = self.generation
            cached = self._cache.get(key)
            if cached is not None and cached[0] == generation:
                self._cache.move_to_end(key)
                return cached[1]
        items = build()
        with self._lock:
            if self.generation == generation:
                self._cache[key] = (generation, items)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return items


LISTINGS = _Listings()


def _listing(response: Any, operation: str, params: dict[str, Any], build: Callable[[], list[T]]) -> list[T]:
    """The full filtered, sorted listing a paged request slices (built once per listing, see _Listings)."""
    return LISTINGS.get(response.sagemaker_backend, operation, params, build)


def _user(user_context: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ``CreatedBy``/``LastModifiedBy`` member: SageMaker leaves it out when it knows no user (an empty
    ``{}`` makes the SDK build an empty ``UserContext`` instead of None)."""
    return dict(user_context) if user_context else None


def _result(body: dict[str, Any]) -> str:
    """The response body as SageMaker's JSON, written directly.

    moto would serialise the dict against botocore's output shape, walking every member of every record;
    on listings of thousands of records that was most of the sandbox's CPU, on the cores the sync and
    Neo4j share. The bodies are already in the output shape: members by their API names, timestamps as
    datetimes (sent as epoch seconds to the millisecond, as the JSON protocol does), and absent members left out.
    """
    return json.dumps(_without_nulls(body), default=_json_timestamp, separators=(",", ":"))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _json_timestamp(value: Any) -> float:
    """Epoch seconds truncated to milliseconds, as SageMaker (and moto) send them."""
    if isinstance(value, datetime):
        return calendar.timegm(value.utctimetuple()) + (value.microsecond // 1000) / 1000
    raise TypeError(f"cannot send {type(value).__name__} in a SageMaker response")


def _store(response: Any) -> LineageStore:
    return store_for(response.sagemaker_backend)


def _tags_of(params: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in params.get("Tags") or []]


def _merge_tags(existing: list[dict[str, str]], new: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """AddTags semantics: a key that is already there gets the new value."""
    merged = {t["Key"]: t.get("Value", "") for t in existing}
    for tag in new:
        merged[tag["Key"]] = tag.get("Value", "")
    return [{"Key": k, "Value": v} for k, v in merged.items()]


def _name_from(name_or_arn: str, arn_kind: str) -> str:
    marker = f":{arn_kind}/"
    return name_or_arn.split(marker, 1)[1] if name_or_arn.startswith("arn:") and marker in name_or_arn else name_or_arn


# -- artifacts, contexts, actions -------------------------------------------------------------------------
_KIND_TYPE_PARAM = {"artifact": "ArtifactType", "context": "ContextType", "action": "ActionType"}


def _source_dict(entity: LineageEntity) -> dict[str, Any] | None:
    if entity.source is None:
        return None
    keys = ("SourceUri", "SourceTypes") if entity.kind == "artifact" else ("SourceUri", "SourceType", "SourceId")
    return {k: entity.source[k] for k in keys if entity.source.get(k) is not None}


def _summary(entity: LineageEntity) -> dict[str, Any]:
    prefix = entity.kind.capitalize()
    body: dict[str, Any] = {
        f"{prefix}Arn": entity.arn,
        f"{prefix}Name": entity.name,
        "Source": _source_dict(entity),
        f"{prefix}Type": entity.entity_type,
        "Status": entity.status if entity.kind == "action" else None,
        "CreationTime": entity.creation_time,
        "LastModifiedTime": entity.last_modified_time,
    }
    return {k: v for k, v in body.items() if v is not None}


def _describe(entity: LineageEntity, store: LineageStore) -> dict[str, Any]:
    body = _summary(entity)
    body.update(
        {
            "Description": entity.description,
            "Properties": dict(entity.properties),
            "CreatedBy": _user(entity.created_by),
            "LastModifiedBy": _user(entity.created_by),
            "MetadataProperties": entity.metadata_properties,
            "LineageGroupArn": store.lineage_group_arn,
        }
    )
    return {k: v for k, v in body.items() if v is not None}


def _not_found(kind: str, name_or_arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"{kind.capitalize()} '{name_or_arn}' does not exist.")


def _get(store: LineageStore, kind: EntityKind, name_or_arn: str) -> LineageEntity:
    entity = store.find(kind, name_or_arn)
    if entity is None:
        raise _not_found(kind, name_or_arn)
    return entity


def _create_named(response: Any, kind: EntityKind, operation: str) -> Response:
    params = _params(response, operation)
    prefix = kind.capitalize()
    name = params[f"{prefix}Name"]
    store = _store(response)
    with store.lock:
        if store.find(kind, name) is not None:
            raise ValidationError(f"{prefix} '{store.arn(kind, name)}' already exists.")
        source = params["Source"]
        entity = store.create_named(
            kind,  # type: ignore[arg-type]
            name,
            params[_KIND_TYPE_PARAM[kind]],
            source["SourceUri"],
            source_type=source.get("SourceType"),
            properties=params.get("Properties"),
            description=params.get("Description"),
            status=params.get("Status", "Unknown") if kind == "action" else None,
        )
        if entity.source is not None and source.get("SourceId"):
            entity.source["SourceId"] = source["SourceId"]
        entity.created_by = studio_caller(response)
        entity.metadata_properties = params.get("MetadataProperties")
        if params.get("Tags"):
            store.tags[entity.arn] = _tags_of(params)
    return _result({f"{prefix}Arn": entity.arn})


def _list(response: Any, kind: EntityKind, operation: str) -> Response:
    params = _params(response, operation)
    type_param = _KIND_TYPE_PARAM[kind]
    store = _store(response)

    def build() -> list[LineageEntity]:
        created = _time_window(params, inclusive=True)
        with store.lock:
            entities = [
                e
                for e in store.of_kind(kind)
                if (params.get("SourceUri") is None or e.source_uri == params["SourceUri"])
                and (params.get(type_param) is None or e.entity_type == params[type_param])
                and created(e.creation_time)
            ]
        key: Callable[[LineageEntity], Any] = (
            (lambda e: e.name) if params.get("SortBy") == "Name" else (lambda e: e.creation_time)
        )
        return _sorted(entities, key, params.get("SortOrder"))

    page, token = _page(_listing(response, operation, params, build), params)
    return _result({f"{kind.capitalize()}Summaries": [_summary(e) for e in page], "NextToken": token})


def _update(response: Any, kind: EntityKind, operation: str, key: str) -> Response:
    params = _params(response, operation)
    store = _store(response)
    with store.lock:
        entity = _get(store, kind, params[key])
        to_remove = set(params.get("PropertiesToRemove") or [])
        clash = to_remove & set(params.get("Properties") or {})
        if clash:
            raise ConflictException(f"Properties {sorted(clash)} are both set and removed in one update.")
        for prop in to_remove:
            entity.properties.pop(prop, None)
        entity.properties.update(params.get("Properties") or {})
        if params.get("ArtifactName") is not None:
            entity.name = params["ArtifactName"]
        if params.get("Description") is not None:
            entity.description = params["Description"]
        if params.get("Status") is not None:
            entity.status = params["Status"]
        entity.last_modified_time = utcnow()
    return _result({f"{kind.capitalize()}Arn": entity.arn})


def _delete(store: LineageStore, entity: LineageEntity) -> Response:
    """Deletes do not cascade: associations of the entity stay, as in SageMaker."""
    store.delete(entity.arn)
    return _result({f"{entity.kind.capitalize()}Arn": entity.arn})


@_handler
def create_artifact(self: Any) -> Response:
    params = _params(self, "CreateArtifact")
    store = _store(self)
    source = params["Source"]
    with store.lock:
        entity = store.create_artifact(
            source["SourceUri"],
            params["ArtifactType"],
            name=params.get("ArtifactName"),
            properties=params.get("Properties"),
            source_types=source.get("SourceTypes"),
            arn=store.arn("artifact", uuid.uuid4().hex),
        )
        entity.created_by = studio_caller(self)
        entity.metadata_properties = params.get("MetadataProperties")
        if params.get("Tags"):
            store.tags[entity.arn] = _tags_of(params)
    return _result({"ArtifactArn": entity.arn})


@_handler
def describe_artifact(self: Any) -> Response:
    params = _params(self, "DescribeArtifact")
    store = _store(self)
    with store.lock:
        return _result(_describe(_get(store, "artifact", params["ArtifactArn"]), store))


@_handler
def list_artifacts(self: Any) -> Response:
    return _list(self, "artifact", "ListArtifacts")


@_handler
def update_artifact(self: Any) -> Response:
    return _update(self, "artifact", "UpdateArtifact", "ArtifactArn")


@_handler
def delete_artifact(self: Any) -> Response:
    params = _params(self, "DeleteArtifact")
    store = _store(self)
    with store.lock:
        if params.get("ArtifactArn"):
            return _delete(store, _get(store, "artifact", params["ArtifactArn"]))
        source = params.get("Source")
        if not source:
            raise ValidationError("Either ArtifactArn or Source must be specified.")
        wanted_types = source.get("SourceTypes")
        for entity in store.of_kind("artifact"):
            if entity.source_uri == source["SourceUri"] and (
                not wanted_types or (entity.source or {}).get("SourceTypes") == wanted_types
            ):
                return _delete(store, entity)
        raise _not_found("artifact", source["SourceUri"])


@_handler
def create_context(self: Any) -> Response:
    return _create_named(self, "context", "CreateContext")


@_handler
def describe_context(self: Any) -> Response:
    params = _params(self, "DescribeContext")
    store = _store(self)
    with store.lock:
        return _result(_describe(_get(store, "context", params["ContextName"]), store))


@_handler
def list_contexts(self: Any) -> Response:
    return _list(self, "context", "ListContexts")


@_handler
def update_context(self: Any) -> Response:
    return _update(self, "context", "UpdateContext", "ContextName")


@_handler
def delete_context(self: Any) -> Response:
    params = _params(self, "DeleteContext")
    store = _store(self)
    with store.lock:
        return _delete(store, _get(store, "context", params["ContextName"]))


@_handler
def create_action(self: Any) -> Response:
    return _create_named(self, "action", "CreateAction")


@_handler
def describe_action(self: Any) -> Response:
    params = _params(self, "DescribeAction")
    store = _store(self)
    with store.lock:
        return _result(_describe(_get(store, "action", params["ActionName"]), store))


@_handler
def list_actions(self: Any) -> Response:
    return _list(self, "action", "ListActions")


@_handler
def update_action(self: Any) -> Response:
    return _update(self, "action", "UpdateAction", "ActionName")


@_handler
def delete_action(self: Any) -> Response:
    params = _params(self, "DeleteAction")
    store = _store(self)
    with store.lock:
        return _delete(store, _get(store, "action", params["ActionName"]))


# -- associations -----------------------------------------------------------------------------------------
def _association_summary(store: LineageStore, assoc: Association) -> dict[str, Any]:
    """Names and types of live ends; of a deleted end, what they were when the edge was made."""
    body = {
        "SourceArn": assoc.source_arn,
        "DestinationArn": assoc.destination_arn,
        "SourceType": store.entity_type_of(assoc.source_arn) or assoc.source_type,
        "DestinationType": store.entity_type_of(assoc.destination_arn) or assoc.destination_type,
        "AssociationType": assoc.association_type,
        "SourceName": store.name_of(assoc.source_arn) or assoc.source_name,
        "DestinationName": store.name_of(assoc.destination_arn) or assoc.destination_name,
        "CreationTime": assoc.creation_time,
        "CreatedBy": _user(assoc.created_by),
    }
    return {k: v for k, v in body.items() if v is not None}


@_handler
def add_association(self: Any) -> Response:
    """Both ends must exist (a lineage entity, trial component or experiment); one edge per pair."""
    params = _params(self, "AddAssociation")
    source, destination = params["SourceArn"], params["DestinationArn"]
    store = _store(self)
    with store.lock:
        for arn in (source, destination):
            if not store.exists(arn):
                raise ResourceNotFound(f"Entity '{arn}' does not exist.")
        if store.experiment_for_arn(source) is not None and store.experiment_for_arn(destination) is not None:
            raise ValidationError("Associations between two experiment entities are not supported.")
        if (source, destination) in store.associations:
            raise ValidationError(f"Association between '{source}' and '{destination}' already exists.")
        store.associate(source, destination, params.get("AssociationType")).created_by = studio_caller(self)
    return _result({"SourceArn": source, "DestinationArn": destination})


@_handler
def delete_association(self: Any) -> Response:
    params = _params(self, "DeleteAssociation")
    source, destination = params["SourceArn"], params["DestinationArn"]
    if not _store(self).disassociate(source, destination):
        raise ResourceNotFound(f"Association between '{source}' and '{destination}' does not exist.")
    return _result({"SourceArn": source, "DestinationArn": destination})


def _association_key(store: LineageStore, field: str) -> Callable[[Association], Any]:
    """ListAssociations' sort keys and filters, read off the edge (and its live ends for the types)."""
    return {
        "SourceArn": lambda a: a.source_arn,
        "DestinationArn": lambda a: a.destination_arn,
        "SourceType": lambda a: store.entity_type_of(a.source_arn) or a.source_type,
        "DestinationType": lambda a: store.entity_type_of(a.destination_arn) or a.destination_type,
        "AssociationType": lambda a: a.association_type,
        "CreationTime": lambda a: a.creation_time,
    }[field]


@_handler
def list_associations(self: Any) -> Response:
    """Every filter ANDed; an edge whose end was deleted is still listed (deletes do not cascade)."""
    params = _params(self, "ListAssociations")
    store = _store(self)

    def build() -> list[Association]:
        filters = [
            (_association_key(store, key), params[key])
            for key in ("SourceArn", "DestinationArn", "SourceType", "DestinationType", "AssociationType")
            if params.get(key) is not None
        ]
        created = _time_window(params, inclusive=True)
        with store.lock:
            associations = [
                a
                for a in store.all_associations()
                if all(key(a) == wanted for key, wanted in filters) and created(a.creation_time)
            ]
        return _sorted(
            associations, _association_key(store, params.get("SortBy") or "CreationTime"), params.get("SortOrder")
        )

    page, token = _page(_listing(self, "ListAssociations", params, build), params)
    with store.lock:
        summaries = [_association_summary(store, a) for a in page]
    return _result({"AssociationSummaries": summaries, "NextToken": token})


# -- QueryLineage -----------------------------------------------------------------------------------------
QUERY_LINEAGE_DEFAULT_MAX_RESULTS = 50
QUERY_LINEAGE_DEFAULT_MAX_DEPTH = 10


def _matches(store: LineageStore, arn: str, filters: dict[str, Any]) -> bool:
    if filters.get("Types") and store.vertex_type_of(arn) not in filters["Types"]:
        return False
    if filters.get("LineageTypes") and store.lineage_type_of(arn) not in filters["LineageTypes"]:
        return False
    entity = store.get(arn)
    tc = None if entity is not None else store.trial_component_for_arn(arn)
    created = entity.creation_time if entity is not None else getattr(tc, "creation_time", None)
    modified = entity.last_modified_time if entity is not None else getattr(tc, "last_modified_time", None)
    if not _time_window(filters, inclusive=False)(created):
        return False
    if not _time_window(filters, inclusive=False, after="ModifiedAfter", before="ModifiedBefore")(modified):
        return False
    wanted = filters.get("Properties")
    if wanted:
        properties = entity.properties if entity is not None else {}
        return any(properties.get(k) == v for k, v in wanted.items())
    return True


def query_lineage_graph(
    store: LineageStore,
    start_arns: list[str],
    *,
    direction: str = "Both",
    include_edges: bool = False,
    filters: dict[str, Any] | None = None,
    max_depth: int = QUERY_LINEAGE_DEFAULT_MAX_DEPTH,
) -> tuple[list[dict[str, str]], list[tuple[int, dict[str, str]]]]:
    """QueryLineage's whole answer before paging: vertices in order, and edges keyed by the page position.

    Semantics chosen (SageMaker documents little of this):

    - Traversal is breadth-first from the start entity, up to ``max_depth`` associations away. Ascendants
      follows edges backwards (to sources), Descendants forwards; Both follows both ways from *every*
      visited node, as the developer guide says ("not only from the starting node, but from each node that
      is visited"), so siblings sharing an input are reached too. Each entity is visited once (cycles such
      as ``SameAs`` pairs end there).
    - The start entity is a vertex like any other when it passes the filters: the SageMaker SDK's
      ``LineageQueryResult`` marks start ARNs found among the returned vertices (its visualiser draws them
      as a star), which only makes sense if the service returns them.
    - ``Filters`` select the matched entities (all kinds ANDed, ``Properties`` any pair). With
      ``IncludeEdges`` false only matched entities are returned and no edges. With ``IncludeEdges`` true the
      entities on the shortest paths from the start to a matched entity are returned as well, with every
      traversed association among the returned entities ("the Associations and lineage entities on the path").
    - Ends that are no lineage vertex (experiments, deleted entities behind a dangling edge) are not
      traversed or returned.
    - Order is deterministic: by depth, then by the order entities were reached, neighbours by ARN.
      An edge belongs to the page of its later end, so paging over vertices returns each edge once.
    """
    filters = filters or {}
    if not start_arns:
        return [], []
    start = start_arns[0]
    forward = direction in ("Descendants", "Both")
    backward = direction in ("Ascendants", "Both")
    outgoing: dict[str, list[Association]] = {}
    incoming: dict[str, list[Association]] = {}
    for assoc in store.all_associations():
        outgoing.setdefault(assoc.source_arn, []).append(assoc)
        incoming.setdefault(assoc.destination_arn, []).append(assoc)

    depth = {start: 0}
    order = [start]
    parents: dict[str, set[str]] = {start: set()}
    traversed: dict[tuple[str, str], Association] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if depth[node] >= max_depth:
            continue
        steps: list[tuple[str, Association]] = []
        if forward:
            steps += [(a.destination_arn, a) for a in outgoing.get(node, [])]
        if backward:
            steps += [(a.source_arn, a) for a in incoming.get(node, [])]
        for neighbour, assoc in sorted(steps, key=lambda step: (step[0], step[1].source_arn)):
            if store.lineage_type_of(neighbour) is None:
                continue
            traversed[(assoc.source_arn, assoc.destination_arn)] = assoc
            if neighbour not in depth:
                depth[neighbour] = depth[node] + 1
                parents[neighbour] = {node}
                order.append(neighbour)
                queue.append(neighbour)
            elif depth[neighbour] == depth[node] + 1:
                parents[neighbour].add(node)

    matched = [arn for arn in order if store.lineage_type_of(arn) is not None and _matches(store, arn, filters)]
    if include_edges:
        keep: set[str] = set()
        stack = list(matched)
        while stack:
            arn = stack.pop()
            if arn not in keep:
                keep.add(arn)
                stack.extend(parents.get(arn, ()))
        kept = [arn for arn in order if arn in keep and store.lineage_type_of(arn) is not None]
    else:
        kept = matched
    position = {arn: i for i, arn in enumerate(kept)}
    vertices = []
    for arn in kept:
        vertex = {"Arn": arn, "Type": store.vertex_type_of(arn), "LineageType": store.lineage_type_of(arn)}
        vertices.append({k: v for k, v in vertex.items() if v is not None})
    edges: list[tuple[int, dict[str, str]]] = []
    if include_edges:
        for (src, dst), assoc in traversed.items():
            if src in position and dst in position:
                edge = {"SourceArn": src, "DestinationArn": dst, "AssociationType": assoc.association_type}
                edges.append((max(position[src], position[dst]), {k: v for k, v in edge.items() if v is not None}))
        edges.sort(key=lambda item: (item[0], item[1]["SourceArn"], item[1]["DestinationArn"]))
    return vertices, edges


@_handler
def query_lineage(self: Any) -> Response:
    """See ``query_lineage_graph`` for the traversal; paging is over vertices (MaxResults ≤ 50)."""
    params = _params(self, "QueryLineage")
    start_arns = params.get("StartArns") or []
    max_results = params.get("MaxResults")
    if max_results is not None and max_results < 1:
        raise ValidationError(
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    max_depth = params.get("MaxDepth")
    if max_depth is not None and max_depth < 0:
        raise ValidationError(
            f"1 validation error detected: Value '{max_depth}' at 'maxDepth' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0"
        )
    store = _store(self)
    with store.lock:
        for arn in start_arns:
            if store.lineage_type_of(arn) is None and store.experiment_for_arn(arn) is None:
                raise ResourceNotFound(f"Entity '{arn}' does not exist.")
        vertices, edges = query_lineage_graph(
            store,
            start_arns,
            direction=params.get("Direction") or "Both",
            include_edges=bool(params.get("IncludeEdges", False)),
            filters=params.get("Filters"),
            max_depth=QUERY_LINEAGE_DEFAULT_MAX_DEPTH if max_depth is None else max_depth,
        )
    offset = _decode_token(params)
    size = max_results or QUERY_LINEAGE_DEFAULT_MAX_RESULTS
    end = offset + size
    page_edges = [edge for pos, edge in edges if offset <= pos < end]
    token = _encode_token(params, end) if end < len(vertices) else None
    return _result({"Vertices": vertices[offset:end], "Edges": page_edges, "NextToken": token})


# -- tags -------------------------------------------------------------------------------------------------
_PIPELINE_EXECUTION_ARN = re.compile(r"^arn:aws[a-z\-]*:sagemaker:[^:]*:\d{12}:pipeline/[^/]+/execution/[^/]+$")
_LINEAGE_ARN = re.compile(r"^arn:aws[a-z\-]*:sagemaker:[^:]*:\d{12}:(artifact|context|action)/.+$")


def _store_tagged(response: Any, arn: str) -> LineageStore | None:
    """The store that holds tags for ``arn`` (lineage and pipeline-execution ARNs), None for moto's own."""
    store = _store(response)
    if _LINEAGE_ARN.match(arn):
        if store.get(arn) is None:
            raise ValidationError(f"Resource '{arn}' does not exist.")
        return store
    if _PIPELINE_EXECUTION_ARN.match(arn):
        from moto.sagemaker.utils import get_pipeline_execution_from_arn

        try:
            get_pipeline_execution_from_arn(response.sagemaker_backend.pipelines, arn)
        except ValidationError:
            raise ValidationError(f"Resource '{arn}' does not exist.") from None
        return store
    return None


def _moto_resource(response: Any, arn: str) -> Any:
    try:
        resource = response.sagemaker_backend._get_resource_from_arn(arn)
    except (ValueError, AttributeError):
        resource = None
    if resource is None or not hasattr(resource, "tags"):
        raise ValidationError(f"Resource '{arn}' does not exist.")
    return resource


@_handler
def add_tags(self: Any) -> Response:
    params = _params(self, "AddTags")
    arn = params["ResourceArn"]
    store = _store_tagged(self, arn)
    if store is not None:
        with store.lock:
            store.tags[arn] = _merge_tags(store.tags.get(arn, []), _tags_of(params))
            return _result({"Tags": store.tags[arn]})
    resource = _moto_resource(self, arn)
    resource.tags = _merge_tags(resource.tags or [], _tags_of(params))
    return _result({"Tags": resource.tags})


@_handler
def list_tags(self: Any) -> Response:
    params = _params(self, "ListTags")
    arn = params["ResourceArn"]
    store = _store_tagged(self, arn)
    tags = list(store.tags.get(arn, [])) if store is not None else list(_moto_resource(self, arn).tags or [])
    page, token = _page(tags, params, default=50)
    return _result({"Tags": page, "NextToken": token})


@_handler
def delete_tags(self: Any) -> Response:
    params = _params(self, "DeleteTags")
    arn = params["ResourceArn"]
    keys = set(params["TagKeys"])
    store = _store_tagged(self, arn)
    if store is not None:
        with store.lock:
            store.tags[arn] = [t for t in store.tags.get(arn, []) if t["Key"] not in keys]
    else:
        resource = _moto_resource(self, arn)
        resource.tags = [t for t in resource.tags or [] if t["Key"] not in keys]
    return EmptyResult()


# -- experiments, trials, trial components ------------------------------------------------------------------
def _experiment(backend: Any, name: str) -> Any:
    experiment = backend.experiments.get(name)
    if experiment is None:
        raise ResourceNotFound(f"Experiment '{name}' does not exist.")
    return experiment


def _trial(backend: Any, name: str) -> Any:
    trial = backend.trials.get(name)
    if trial is None:
        raise ResourceNotFound(f"Trial '{name}' does not exist.")
    return trial


def _trial_component(backend: Any, name_or_arn: str) -> Any:
    tc = backend.trial_components.get(_name_from(name_or_arn, "experiment-trial-component"))
    if tc is None:
        raise ResourceNotFound(f"Trial component '{name_or_arn}' does not exist.")
    return tc


@_handler
def create_experiment(self: Any) -> Response:
    params = _params(self, "CreateExperiment")
    backend = self.sagemaker_backend
    name = params["ExperimentName"]
    if name in backend.experiments:
        raise ValidationError(f"Experiment '{name}' already exists.")
    body = backend.create_experiment(experiment_name=name)
    experiment = backend.experiments[name]
    experiment.tags = _tags_of(params)
    experiment.display_name = params.get("DisplayName") or name
    experiment.description = params.get("Description")
    return _result(body)


@_handler
def describe_experiment(self: Any) -> Response:
    params = _params(self, "DescribeExperiment")
    experiment = _experiment(self.sagemaker_backend, params["ExperimentName"])
    return _result(
        {
            "ExperimentName": experiment.experiment_name,
            "ExperimentArn": experiment.arn,
            "DisplayName": getattr(experiment, "display_name", None) or experiment.experiment_name,
            "Description": getattr(experiment, "description", None),
            "CreationTime": experiment.creation_time,
            "LastModifiedTime": experiment.last_modified_time,
        }
    )


@_handler
def list_experiments(self: Any) -> Response:
    params = _params(self, "ListExperiments")
    created = _time_window(params, inclusive=False)
    experiments = [e for e in list(self.sagemaker_backend.experiments.values()) if created(e.creation_time)]
    key: Callable[[Any], Any] = (
        (lambda e: e.experiment_name) if params.get("SortBy") == "Name" else (lambda e: e.creation_time)
    )
    page, token = _page(_sorted(experiments, key, params.get("SortOrder")), params)
    summaries = [
        {
            "ExperimentArn": e.arn,
            "ExperimentName": e.experiment_name,
            "DisplayName": getattr(e, "display_name", None) or e.experiment_name,
            "CreationTime": e.creation_time,
            "LastModifiedTime": e.last_modified_time,
        }
        for e in page
    ]
    return _result({"ExperimentSummaries": summaries, "NextToken": token})


@_handler
def create_trial(self: Any) -> Response:
    params = _params(self, "CreateTrial")
    backend = self.sagemaker_backend
    name = params["TrialName"]
    _experiment(backend, params["ExperimentName"])
    if name in backend.trials:
        raise ValidationError(f"Trial '{name}' already exists.")
    body = backend.create_trial(trial_name=name, experiment_name=params["ExperimentName"])
    trial = backend.trials[name]
    trial.tags = _tags_of(params)
    trial.display_name = params.get("DisplayName") or name
    trial.metadata_properties = params.get("MetadataProperties")
    return _result(body)


@_handler
def describe_trial(self: Any) -> Response:
    params = _params(self, "DescribeTrial")
    return _result(_trial_record(_trial(self.sagemaker_backend, params["TrialName"])))


def _trial_record(trial: Any) -> dict[str, Any]:
    """DescribeTrial's body; Search adds Tags and TrialComponentSummaries to it."""
    return {
        "TrialName": trial.trial_name,
        "TrialArn": trial.arn,
        "DisplayName": getattr(trial, "display_name", None) or trial.trial_name,
        "ExperimentName": trial.experiment_name,
        "CreationTime": trial.creation_time,
        "LastModifiedTime": trial.last_modified_time,
        "MetadataProperties": getattr(trial, "metadata_properties", None),
    }


@_handler
def list_trials(self: Any) -> Response:
    params = _params(self, "ListTrials")
    backend = self.sagemaker_backend
    if params.get("ExperimentName"):
        _experiment(backend, params["ExperimentName"])
    tc_name = params.get("TrialComponentName")
    if tc_name:
        _trial_component(backend, tc_name)
    created = _time_window(params, inclusive=False)
    trials = [
        t
        for t in list(backend.trials.values())
        if (not params.get("ExperimentName") or t.experiment_name == params["ExperimentName"])
        and (not tc_name or tc_name in t.trial_components)
        and created(t.creation_time)
    ]
    key: Callable[[Any], Any] = (
        (lambda t: t.trial_name) if params.get("SortBy") == "Name" else (lambda t: t.creation_time)
    )
    page, token = _page(_sorted(trials, key, params.get("SortOrder")), params)
    summaries = [
        {
            "TrialArn": t.arn,
            "TrialName": t.trial_name,
            "DisplayName": getattr(t, "display_name", None) or t.trial_name,
            "CreationTime": t.creation_time,
            "LastModifiedTime": t.last_modified_time,
        }
        for t in page
    ]
    return _result({"TrialSummaries": summaries, "NextToken": token})


@_handler
def create_trial_component(self: Any) -> Response:
    params = _params(self, "CreateTrialComponent")
    backend = self.sagemaker_backend
    name = params["TrialComponentName"]
    if name in backend.trial_components:
        raise ValidationError(f"Trial component '{name}' already exists.")
    body = backend.create_trial_component(
        trial_component_name=name,
        trial_name=None,
        status=params.get("Status"),
        start_time=params.get("StartTime"),
        end_time=params.get("EndTime"),
        display_name=params.get("DisplayName"),
        parameters=params.get("Parameters"),
        input_artifacts=params.get("InputArtifacts"),
        output_artifacts=params.get("OutputArtifacts"),
        metadata_properties=params.get("MetadataProperties"),
    )
    backend.trial_components[name].tags = _tags_of(params)
    return _result(body)


def _tc_source(tc: Any) -> dict[str, Any] | None:
    source = getattr(tc, "source", None)
    return dict(source) if source else None


@_handler
def describe_trial_component(self: Any) -> Response:
    params = _params(self, "DescribeTrialComponent")
    backend = self.sagemaker_backend
    return _result(_tc_record(backend, _trial_component(backend, params["TrialComponentName"])))


def _tc_record(backend: Any, tc: Any) -> dict[str, Any]:
    """DescribeTrialComponent's body; Search adds Tags and Parents to it."""
    body = dict(tc.response_object)
    for member in ("TrialName", "Tags"):  # moto's own fields, not in the output shape (Search adds Tags back)
        body.pop(member, None)
    source = _tc_source(tc)
    body.update(
        {
            "Source": source,
            "Sources": [source] if source else None,
            "LineageGroupArn": store_for(backend).lineage_group_arn,
            "Status": tc.status or None,
            "CreatedBy": _user(getattr(tc, "created_by", None)),
            "LastModifiedBy": _user(getattr(tc, "created_by", None)),
        }
    )
    return {k: v for k, v in body.items() if v is not None}


def _tc_parents(backend: Any) -> dict[str, list[dict[str, str]]]:
    """Each trial component's trials (``Parents``), by trial component name, in one pass over the trials."""
    parents: dict[str, list[dict[str, str]]] = {}
    members: dict[str, set[str]] = {}
    for trial in list(backend.trials.values()):
        parent = {"TrialName": trial.trial_name, "ExperimentName": trial.experiment_name}
        members[trial.trial_name] = set(trial.trial_components)
        for name in members[trial.trial_name]:
            parents.setdefault(name, []).append(parent)
    for name, tc in list(backend.trial_components.items()):
        trial = backend.trials.get(tc.trial_name) if tc.trial_name else None
        if trial is not None and name not in members[trial.trial_name]:
            parents.setdefault(name, []).append(
                {"TrialName": trial.trial_name, "ExperimentName": trial.experiment_name}
            )
    return parents


# -- Search (trial components) ---------------------------------------------------------------------------------
_SEARCH_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: a == b,
    "NotEquals": lambda a, b: a != b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanOrEqualTo": lambda a, b: a >= b,
    "LessThan": lambda a, b: a < b,
    "LessThanOrEqualTo": lambda a, b: a <= b,
    "Contains": lambda a, b: str(b) in str(a),
}


def _field(record: dict[str, Any], name: str) -> Any:
    """A dotted property of a search record; lists (Parents, Tags) match if any element does."""
    values: list[Any] = [record]
    for part in name.split("."):
        found: list[Any] = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            found += [item[part] for item in items if isinstance(item, dict) and part in item]
        values = found
    return values


def _instant(expected: str) -> datetime:
    """A Search filter's timestamp: ISO 8601 or epoch seconds."""
    try:
        return datetime.fromtimestamp(float(expected), tz=UTC)
    except ValueError:
        moment = _aware(expected)
        assert moment is not None  # a string parses or raises
        return moment


def _comparable(actual: Any, expected: str) -> tuple[Any, Any]:
    """Timestamps compare as instants, numbers as numbers."""
    if isinstance(actual, datetime):
        return _aware(actual), _instant(expected)
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        return actual, float(expected)
    return actual, expected


def _filter_matches(record: dict[str, Any], flt: dict[str, Any]) -> bool:
    operator = flt.get("Operator") or "Equals"
    values = _field(record, flt["Name"])
    if operator == "Exists":
        return bool(values)
    if operator == "NotExists":
        return not values
    expected = flt.get("Value")
    if expected is None:
        raise ValidationError(f"A Value is required for the {operator} operator on {flt['Name']}.")
    if operator == "In":
        wanted = {v.strip() for v in expected.split(",")}
        return any(str(v) in wanted for v in values)
    try:
        return any(_SEARCH_OPERATORS[operator](*_comparable(v, expected)) for v in values)
    except (ValueError, TypeError):
        raise ValidationError(f"Cannot compare {flt['Name']} with {expected!r}.") from None


def _expression_matches(record: dict[str, Any], expression: dict[str, Any]) -> bool:
    checks = [_filter_matches(record, f) for f in expression.get("Filters") or []]
    checks += [_expression_matches(record, sub) for sub in expression.get("SubExpressions") or []]
    if expression.get("NestedFilters"):
        raise ValidationError("NestedFilters are not supported by this sandbox.")
    combine = any if expression.get("Operator") == "Or" else all
    return combine(checks) if checks else True


# A Search result's entity (moto's object) and what its record adds: a trial component's parents, a trial's
# trial components.
_SearchItem = tuple[Any, list[Any]]


_ENTITY_TIMES = {"CreationTime": "creation_time", "LastModifiedTime": "last_modified_time"}
_ORDERINGS = ("GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo")


def _searched(
    params: dict[str, Any], items: list[_SearchItem], record: Callable[[_SearchItem], dict[str, Any]]
) -> list[_SearchItem]:
    """The ``items`` whose Search ``record`` matches the request's expression, sorted by its SortBy (default
    LastModifiedTime, Descending, as SageMaker does). A record costs far more to build than reading its
    entity's times: when the expression is an AND, its CreationTime and LastModifiedTime bounds are checked
    on those first, so an incremental Search does not build a record per entity of the account."""
    expression = params.get("SearchExpression") or {}
    bounds = _time_bounds(expression)
    sort_by = params.get("SortBy") or "LastModifiedTime"
    matches: list[tuple[_SearchItem, Any]] = []
    for item in items:
        if bounds and not _within(item[0], bounds):
            continue
        body = record(item)
        # Filters name tags as Tags.<key>: match against a key -> value view of the list.
        view = body | {"Tags": {t["Key"]: t["Value"] for t in body.get("Tags") or []}}
        if _expression_matches(view, expression):
            matches.append((item, (_field(body, sort_by) or [None])[0]))
    return [item for item, _ in _sorted(matches, lambda m: m[1], params.get("SortOrder"))]


_Bound = tuple[str, Callable[[Any, Any], bool], datetime]  # entity attribute, comparison, instant


def _time_bounds(expression: dict[str, Any]) -> list[_Bound]:
    """An AND expression's CreationTime and LastModifiedTime bounds, each value parsed once; a value that
    does not parse is left to the full check, which rejects it."""
    if expression.get("Operator") == "Or":
        return []
    bounds = []
    for f in expression.get("Filters") or []:
        if f.get("Name") in _ENTITY_TIMES and f.get("Operator") in _ORDERINGS and f.get("Value") is not None:
            try:
                bounds.append((_ENTITY_TIMES[f["Name"]], _SEARCH_OPERATORS[f["Operator"]], _instant(f["Value"])))
            except ValueError:
                continue
    return bounds


def _within(entity: Any, bounds: list[_Bound]) -> bool:
    for attribute, compare, bound in bounds:
        moment = _aware(getattr(entity, attribute, None))
        if moment is None or not compare(moment, bound):
            return False
    return True


@_handler
def search(self: Any) -> Response:
    """Search over trial components (full records with Tags and Parents) and trials (with their trial
    components' summaries), filtered, sorted and paged as SageMaker does. Other resources use moto's own
    search."""
    params = _params(self, "Search")
    backend = self.sagemaker_backend
    resource = params["Resource"]
    record: Callable[[_SearchItem], dict[str, Any]]
    if resource == "ExperimentTrialComponent":
        member, items, record = "TrialComponent", _tc_search_items, partial(_tc_search_record, backend)
    elif resource == "ExperimentTrial":
        member, items, record = "Trial", _trial_search_items, _trial_search_record
    else:
        return ActionResult(backend.search(resource, params.get("SearchExpression")))
    listing = _listing(self, "Search", params, lambda: _searched(params, items(backend), record))
    page, token = _page(listing, params)
    return _result({"Results": [{member: record(item)} for item in page], "NextToken": token})


def _tc_search_items(backend: Any) -> list[_SearchItem]:
    parents = _tc_parents(backend)
    return [(tc, parents.get(tc.trial_component_name, [])) for tc in list(backend.trial_components.values())]


def _tc_search_record(backend: Any, item: _SearchItem) -> dict[str, Any]:
    tc, parents = item
    body = _tc_record(backend, tc)
    body.pop("Sources", None)  # not in Search's TrialComponent shape
    body["Tags"] = list(getattr(tc, "tags", None) or [])
    body["Parents"] = parents
    return body


def _trial_search_items(backend: Any) -> list[_SearchItem]:
    members: dict[str, list[Any]] = {}
    for name, parents in _tc_parents(backend).items():
        tc = backend.trial_components.get(name)
        for parent in parents if tc is not None else []:
            members.setdefault(parent["TrialName"], []).append(tc)
    return [(trial, members.get(trial.trial_name, [])) for trial in list(backend.trials.values())]


def _trial_search_record(item: _SearchItem) -> dict[str, Any]:
    trial, components = item
    return {
        **_trial_record(trial),
        "Tags": list(getattr(trial, "tags", None) or []),
        "TrialComponentSummaries": [
            {
                "TrialComponentName": tc.trial_component_name,
                "TrialComponentArn": tc.arn,
                "TrialComponentSource": _tc_source(tc),
                "CreationTime": tc.creation_time,
                "CreatedBy": _user(getattr(tc, "created_by", None)),
            }
            for tc in components
        ],
    }


def _tc_summary(tc: Any) -> dict[str, Any]:
    body = {
        "TrialComponentName": tc.trial_component_name,
        "TrialComponentArn": tc.arn,
        "DisplayName": tc.display_name,
        "TrialComponentSource": _tc_source(tc),
        "Status": tc.status or None,
        "StartTime": tc.start_time,
        "EndTime": tc.end_time,
        "CreationTime": tc.creation_time,
        "CreatedBy": _user(getattr(tc, "created_by", None)),
        "LastModifiedTime": tc.last_modified_time,
        "LastModifiedBy": _user(getattr(tc, "created_by", None)),
    }
    return {k: v for k, v in body.items() if v is not None}


@_handler
def list_trial_components(self: Any) -> Response:
    """Filters ExperimentName | TrialName | SourceArn (exclusive), CreatedAfter/Before (strict)."""
    params = _params(self, "ListTrialComponents")
    backend = self.sagemaker_backend
    exclusive = [k for k in ("ExperimentName", "TrialName", "SourceArn") if params.get(k)]
    if len(exclusive) > 1:
        raise ValidationError(f"Only one of ExperimentName, TrialName and SourceArn may be given; got {exclusive}.")

    def build() -> list[Any]:
        members: set[str] | None = None
        if params.get("TrialName"):
            trial = _trial(backend, params["TrialName"])
            members = set(trial.trial_components)
            members |= {n for n, tc in backend.trial_components.items() if tc.trial_name == trial.trial_name}
        elif params.get("ExperimentName"):
            experiment = _experiment(backend, params["ExperimentName"])
            trials = [t for t in backend.trials.values() if t.experiment_name == experiment.experiment_name]
            names = {t.trial_name for t in trials}
            members = {n for t in trials for n in t.trial_components}
            members |= {n for n, tc in backend.trial_components.items() if tc.trial_name in names}
        created = _time_window(params, inclusive=False)
        components = [
            tc
            for name, tc in list(backend.trial_components.items())
            if (members is None or name in members)
            and (not params.get("SourceArn") or (_tc_source(tc) or {}).get("SourceArn") == params["SourceArn"])
            and created(tc.creation_time)
        ]
        key: Callable[[Any], Any] = (
            (lambda tc: tc.trial_component_name) if params.get("SortBy") == "Name" else (lambda tc: tc.creation_time)
        )
        return _sorted(components, key, params.get("SortOrder"))

    page, token = _page(_listing(self, "ListTrialComponents", params, build), params)
    return _result({"TrialComponentSummaries": [_tc_summary(tc) for tc in page], "NextToken": token})


# -- pipelines --------------------------------------------------------------------------------------------
def _pipeline(backend: Any, name_or_arn: str) -> Any:
    pipeline = backend.pipelines.get(_name_from(name_or_arn, "pipeline"))
    if pipeline is None:
        raise ResourceNotFound(f"Pipeline '{name_or_arn}' does not exist.")
    return pipeline


def _execution(backend: Any, execution_arn: str) -> Any:
    for pipeline in list(backend.pipelines.values()):
        execution = pipeline.pipeline_executions.get(execution_arn)
        if execution is not None:
            return execution
    raise ResourceNotFound(f"Pipeline execution '{execution_arn}' does not exist.")


@_handler
def list_pipelines(self: Any) -> Response:
    params = _params(self, "ListPipelines")
    prefix = params.get("PipelineNamePrefix")
    created = _time_window(params, inclusive=False)
    pipelines = [
        p
        for p in list(self.sagemaker_backend.pipelines.values())
        if (not prefix or p.pipeline_name.startswith(prefix)) and created(p.creation_time)
    ]
    key: Callable[[Any], Any] = (
        (lambda p: p.pipeline_name) if params.get("SortBy") == "Name" else (lambda p: p.creation_time)
    )
    page, token = _page(_sorted(pipelines, key, params.get("SortOrder")), params)
    summaries = [
        {
            "PipelineArn": p.arn,
            "PipelineName": p.pipeline_name,
            "PipelineDisplayName": p.pipeline_display_name,
            "PipelineDescription": p.pipeline_description,
            "RoleArn": p.role_arn,
            "CreationTime": p.creation_time,
            "LastModifiedTime": p.last_modified_time,
            "LastExecutionTime": p.last_execution_time,
        }
        for p in page
    ]
    return _result(
        {"PipelineSummaries": [{k: v for k, v in s.items() if v is not None} for s in summaries], "NextToken": token}
    )


@_handler
def list_pipeline_executions(self: Any) -> Response:
    params = _params(self, "ListPipelineExecutions")
    pipeline = _pipeline(self.sagemaker_backend, params["PipelineName"])
    created = _time_window(params, inclusive=False)
    executions = [e for e in list(pipeline.pipeline_executions.values()) if created(e.creation_time)]
    key: Callable[[Any], Any] = (
        (lambda e: e.arn) if params.get("SortBy") == "PipelineExecutionArn" else (lambda e: e.creation_time)
    )
    page, token = _page(_sorted(executions, key, params.get("SortOrder")), params)
    summaries = []
    for e in page:
        summary = {
            "PipelineExecutionArn": e.arn,
            "StartTime": e.start_time,
            "PipelineExecutionStatus": e.pipeline_execution_status,
            "PipelineExecutionDescription": e.pipeline_execution_description,
            "PipelineExecutionDisplayName": e.pipeline_execution_display_name,
            "PipelineExecutionFailureReason": e.pipeline_execution_failure_reason,
        }
        summaries.append({k: v for k, v in summary.items() if v is not None})
    return _result({"PipelineExecutionSummaries": summaries, "NextToken": token})


@_handler
def describe_pipeline_execution(self: Any) -> Response:
    params = _params(self, "DescribePipelineExecution")
    backend = self.sagemaker_backend
    _execution(backend, params["PipelineExecutionArn"])
    body = dict(backend.describe_pipeline_execution(params["PipelineExecutionArn"]))
    if not body.get("FailureReason"):
        body.pop("FailureReason", None)
    if not body.get("PipelineExperimentConfig"):
        body.pop("PipelineExperimentConfig", None)
    return _result(body)


@_handler
def list_pipeline_execution_steps(self: Any) -> Response:
    """Steps recorded by the sandbox's automatic lineage, newest first unless SortOrder=Ascending."""
    params = _params(self, "ListPipelineExecutionSteps")
    arn = params.get("PipelineExecutionArn")
    if not arn:
        raise ValidationError("PipelineExecutionArn is required.")
    backend = self.sagemaker_backend
    _execution(backend, arn)
    store = store_for(backend)
    with store.lock:
        steps = [dict(step) for step in store.pipeline_steps.get(arn, [])]
    if (params.get("SortOrder") or "Descending") == "Descending":
        steps.reverse()
    page, token = _page(steps, params)
    return _result({"PipelineExecutionSteps": page, "NextToken": token})


# -- endpoints -----------------------------------------------------------------------------------------
@_handler
def update_endpoint(self: Any) -> Response:
    """Deploy another EndpointConfig to an existing endpoint, as SageMaker does once the update has finished
    (the sandbox has no fleet: the endpoint is ``InService`` on the new config at once)."""
    params = _params(self, "UpdateEndpoint")
    backend = self.sagemaker_backend
    endpoint = backend.endpoints.get(params["EndpointName"])
    if endpoint is None:
        arn = store_for(backend).arn("endpoint", params["EndpointName"])
        raise ValidationError(f'Could not find endpoint "{arn}".')
    config = backend.endpoint_configs.get(params["EndpointConfigName"])
    if config is None:
        arn = store_for(backend).arn("endpoint-config", params["EndpointConfigName"])
        raise ValidationError(f'Could not find endpoint configuration "{arn}".')
    endpoint.endpoint_config_name = config.endpoint_config_name
    endpoint.production_variants = endpoint._process_production_variants(config.production_variants)
    endpoint.last_modified_time = utcnow()
    after_endpoint_update(backend, endpoint)
    return _result({"EndpointArn": endpoint.arn})


__all__ = ["ASSOCIATION_TYPES", "install", "query_lineage_graph"]
