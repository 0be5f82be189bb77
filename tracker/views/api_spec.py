"""The OpenAPI 3.1 description of the read-only API, built in Python so the limits the views check and the schemas
the tests validate against come from one place. Every object schema lists all its properties as required and
allows no others, so a response either matches it exactly or the test fails."""
from copy import deepcopy

from tracker.models import BoardKind, ClusterKind, MemberRole, RoundStatus
from tracker.rules.ballot import Status

PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 100, 500, 1_000_000
MIN_YEAR, MAX_YEAR = 1945, 2100
MAX_ID = 2**31 - 1

# Building blocks --------------------------------------------------------------------------------------------

INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATETIME = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
            "description": "UTC, to the second."}


def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """The schema, or null."""
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def array(items: dict) -> dict:
    """A list of items."""
    return {"type": "array", "items": items}


def obj(properties: dict, description: str = "") -> dict:
    """An object with exactly these properties, all required."""
    out = {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}
    if description:
        out["description"] = description
    return out


def enum(values, description: str = "") -> dict:
    """A string from a fixed set."""
    out = {"type": "string", "enum": [str(v) for v in values]}
    if description:
        out["description"] = description
    return out


def page_of(item: str) -> dict:
    """The list envelope around one page of items."""
    return obj({
        "items": array(ref(item)),
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {**COUNT, "description": "How many items the whole list (with its filters) has."},
        "next": {"type": ["string", "null"], "format": "uri",
                 "description": "The URL of the next page, with the same filters; null on the last page."},
    }, f"One page of {item} items, in order of id.")


# Schemas ----------------------------------------------------------------------------------------------------

BOARD_SUMMARY = {
    "id": ID, "name": STR, "short_name": STR,
    "kind": enum(BoardKind),
    "province": STR, "start_date": nullable(DATE), "end_date": nullable(DATE),
    "successor_id": {**nullable(ID), "description": "The board that took over after a merger."},
    "predecessor_ids": {**array(ID), "description": "The boards this board succeeded."},
}

SCHEMAS = {
    "Error": obj({"error": {**STR, "description": "What went wrong, in the session's language (Vietnamese by "
                                                  "default)."}}),
    "BoardRef": obj({"id": ID, "short_name": STR, "name": STR}),
    "ClusterRef": obj({"id": ID, "name": STR}),
    "AuthorityRef": obj({"id": ID, "name": STR}),
    "YearSummary": obj({"year": INT, "clusters": COUNT, "finalised_rounds": COUNT, "awards": COUNT}),
    "YearList": obj({"items": array(ref("YearSummary"))}, "Every year with data, oldest first."),
    "ClusterSummary": obj({
        "id": ID, "name": STR, "kind": enum(ClusterKind, "cum (cluster) or khoi (block)"), "region": STR,
        "authority": nullable(ref("AuthorityRef")), "years": {**array(INT), "description": "Years recorded."},
    }),
    "Member": obj({"board": ref("BoardRef"), "role": enum(MemberRole),
                   "assumed": {**BOOL, "description": "Recorded without a published source (demo data)."}}),
    "ClusterYear": obj({
        "year": INT, "head": nullable(ref("BoardRef")), "deputy": nullable(ref("BoardRef")),
        "host": {**nullable(ref("BoardRef")), "description": "Host of the year-end review."},
        "conference_date": nullable(DATE), "conference_place": STR,
        "members": {**array(ref("Member")), "description": "Head, deputy, then members by short name."},
    }),
    "Cluster": obj({
        "id": ID, "name": STR, "kind": enum(ClusterKind), "region": STR, "description": STR,
        "authority": nullable(ref("AuthorityRef")), "years": array(ref("ClusterYear")),
    }),
    "BoardSummary": obj(BOARD_SUMMARY),
    "BoardMembership": obj({"year": INT, "cluster": ref("ClusterRef"), "role": enum(MemberRole), "assumed": BOOL}),
    "Board": obj({
        **BOARD_SUMMARY, "address": STR, "phone": STR, "fax": STR, "email": STR, "website": STR, "note": STR,
        "memberships": {**array(ref("BoardMembership")), "description": "By year, then cluster id."},
        "awards": {**array(ref("Award")), "description": "By achievement year, then id."},
    }),
    "AwardTypeRef": obj({"code": STR, "name_vi": STR, "name_en": STR}),
    "Decision": obj({"id": ID, "number": STR, "decided_on": DATE,
                     "authority": {**ref("AuthorityRef"), "description": "The name in force on the decision's date."}}),
    "Award": obj({
        "id": ID, "board": ref("BoardRef"), "award": ref("AwardTypeRef"),
        "year": {**INT, "description": "The achievement year."},
        "decision": {**nullable(ref("Decision")), "description": "Null for an award recorded without its decision."},
        "proposal_matched": {**BOOL, "description": "Whether the award answers a proposal of a cluster."},
        "note": STR,
    }),
    "Candidate": obj({
        "board": ref("BoardRef"), "votes": COUNT,
        "share": {"type": "string", "pattern": r"^\d+/\d+$", "description": "The exact share of the base, e.g. 2/3."},
        "share_decimal": {"type": "string", "pattern": r"^\d+\.\d{4}$",
                          "description": "The share as a decimal string, four places rounded half up (0.6667)."},
        "elected": BOOL, "status": enum(Status), "rank": {"type": "integer", "minimum": 1},
        "reason_vi": STR, "reason_en": STR,
    }),
    "Result": obj({
        "id": {**ID, "description": "The ballot round."}, "cluster": ref("ClusterRef"), "year": INT,
        "award": {**STR, "description": "The award type code, e.g. CO_BO."},
        "number": {"type": "integer", "minimum": 1, "description": "1 for the main round, more for runoffs."},
        "runoff_of": {**nullable(ID), "description": "The round this runoff settles."},
        "seats": COUNT,
        "status": enum(RoundStatus, "finalised, or the step an amendment has reached (the result shown stays the "
                                    "latest finalised one until the amendment is finalised)."),
        "illustrative": {**BOOL, "description": "Demo figures: no published source gives the counts."},
        "revision": {"type": "integer", "minimum": 1, "description": "The finalised revision the result is from."},
        "finalised_at": DATETIME, "quorum_met": BOOL, "valid": COUNT,
        "candidates": {**array(ref("Candidate")), "description": "In the stored order of the result."},
    }),
    "ClusterPage": page_of("ClusterSummary"),
    "BoardPage": page_of("BoardSummary"),
    "ResultPage": page_of("Result"),
    "AwardPage": page_of("Award"),
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1},
            "description": description}


PARAMETERS = {
    "Page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."),
    "PerPage": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE},
                      "Items per page."),
    "Year": _query("year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}, "Only this year."),
    "Region": _query("region", STR, "Only clusters of this region (exact text)."),
    "AuthorityId": _query("authority_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                          "Only clusters managed by this authority."),
    "ClusterIdFilter": _query("cluster_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                              "Only this cluster (awards: boards that were its members in the achievement year)."),
    "BoardIdFilter": _query("board_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Only this board."),
    "Award": _query("award", STR, "Only this award type code (e.g. CO_BO); an unknown code is a 400."),
    "ClusterId": _path("cluster_id", "The cluster's id."),
    "BoardId": _path("board_id", "The board's id."),
}


def _error(description: str, headers: dict | None = None) -> dict:
    out = {"description": description, "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        out["headers"] = headers
    return out


RESPONSES = {
    "BadRequest": _error("A parameter is not a whole number, out of range, or unknown."),
    "Unauthorized": _error("Neither a logged-in session nor a valid token (revoked, unknown, or its user disabled).",
                           {"WWW-Authenticate": {"schema": {"type": "string", "pattern": "^Bearer"},
                                                 "description": "Bearer"}}),
    "NotFound": _error("No record has this id."),
}


def _operation(operation_id: str, summary: str, schema: str, parameters=(), *, bad_request: bool = False,
               not_found: bool = False) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}}
    if bad_request:
        responses["400"] = {"$ref": "#/components/responses/BadRequest"}
    responses["401"] = {"$ref": "#/components/responses/Unauthorized"}
    if not_found:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {"get": {"operationId": operation_id, "summary": summary,
                    "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
                    "responses": responses}}


PATHS = {
    "/openapi.json": {"get": {
        "operationId": "openapi", "summary": "This description (public).", "security": [],
        "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/years": _operation("listYears", "Every year with data: clusters, finalised rounds and awards.", "YearList"),
    "/clusters": _operation("listClusters", "Clusters, with their authority and recorded years.", "ClusterPage",
                            ("Page", "PerPage", "Year", "Region", "AuthorityId"), bad_request=True),
    "/clusters/{cluster_id}": _operation("getCluster", "A cluster with its years: head, deputy, host, review date "
                                                       "and place, members with roles.", "Cluster", ("ClusterId",),
                                         not_found=True),
    "/boards": _operation("listBoards", "Boards, with predecessors and successor.", "BoardPage",
                          ("Page", "PerPage"), bad_request=True),
    "/boards/{board_id}": _operation("getBoard", "A board with its memberships by year and its awards.", "Board",
                                     ("BoardId",), not_found=True),
    "/results": _operation("listResults", "Finalised ballot rounds with each candidate's votes, share and outcome.",
                           "ResultPage", ("Page", "PerPage", "Year", "ClusterIdFilter", "Award"), bad_request=True),
    "/awards": _operation("listAwards", "Awards with their board, form, achievement year and decision.",
                          "AwardPage", ("Page", "PerPage", "Year", "BoardIdFilter", "ClusterIdFilter"),
                          bad_request=True),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
    "info": {
        "title": "Emulation Award Tracker API",
        "version": "1.0.0",
        "description": "Read-only data of the emulation clusters: years, clusters, boards, finalised ballot results "
                       "and awards. Authenticate with a personal token (Authorization: Bearer eat_...) created at "
                       "/account/tokens, or with the logged-in browser session. Lists are paginated (page, per_page "
                       f"≤ {MAX_PER_PAGE}) in order of id. Dates are YYYY-MM-DD, times ISO 8601 in UTC; shares are "
                       "exact fractions (\"2/3\") with a decimal string beside them. Errors are JSON "
                       "{\"error\": \"...\"}.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerToken": []}, {"sessionCookie": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearerToken": {"type": "http", "scheme": "bearer",
                            "description": "A personal API token (eat_...), created at /account/tokens."},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                              "description": "The session of a logged-in browser."},
        },
        "parameters": PARAMETERS,
        "responses": RESPONSES,
        "schemas": SCHEMAS,
    },
}


def document() -> dict:
    """The OpenAPI document (a copy: callers may change it)."""
    return deepcopy(DOCUMENT)
