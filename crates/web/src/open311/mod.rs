//! The Open311 GeoReport v2 server (spec `open311-georeport-v2.md`) at `/open311/v2/`,
//! with discovery also at `/open311/`. Every resource answers in XML and JSON by its
//! suffix; errors are the spec's list; reporters' personal data never appears in a GET.
//! Reports become `citizen_report` work items routed by place and category.

pub mod doc;
pub mod intake;

use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use dieuhanh_core::open311::{self as rules, WindowError};
use dieuhanh_store::citizen::{self, PublicReport, ReportQuery, Service};
use doc::{Format, Node, errors, respond};

/// The identifier of this jurisdiction, accepted as `jurisdiction_id` (spec §2, §16).
pub const DEFAULT_JURISDICTION: &str = "hochiminhcity.gov.vn";
/// Largest `page_size` (paging is the common extension of spec §14.1).
pub const MAX_PAGE_SIZE: i64 = 1000;
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

type Pairs = Vec<(String, String)>;

fn pairs(raw: Option<&str>) -> Result<Pairs, String> {
    serde_urlencoded::from_str::<Pairs>(raw.unwrap_or("")).map_err(|_| vi("open311.err.query", &[]))
}

/// An argument, with an empty value treated as absent (spec §2).
fn arg<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// An end-user message in Vietnamese (spec §12 recommends localising descriptions).
fn vi(key: &str, args: &[(&str, &str)]) -> String {
    crate::i18n::Lang::Vi.tr().fill(key, args)
}

fn bad(description: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, description.into())
}

fn not_found(description: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, description.into())
}

/// A supplied `jurisdiction_id` must be ours (an empty one is absent).
fn check_jurisdiction(state: &AppState, pairs: &Pairs) -> Result<(), (StatusCode, String)> {
    match arg(pairs, "jurisdiction_id") {
        Some(j) if j != state.config.open311_jurisdiction => Err(not_found(vi(
            "open311.err.jurisdiction",
            &[("given", j), ("ours", &state.config.open311_jurisdiction)],
        ))),
        _ => Ok(()),
    }
}

fn datetime(at_us: i64) -> String {
    dieuhanh_core::time::format_rfc3339(at_us)
}

fn service_node(s: &Service) -> Node {
    Node::Object(vec![
        ("service_code", Node::text(&s.code)),
        ("service_name", Node::text(&s.name)),
        ("description", Node::text(&s.description)),
        ("metadata", Node::Bool(!s.attributes.is_empty())),
        ("type", Node::text("realtime")),
        ("keywords", Node::text(&s.keywords)),
        ("group", Node::text(&s.group)),
    ])
}

fn definition_node(s: &Service) -> Node {
    let attributes = s
        .attributes
        .iter()
        .map(|a| {
            let mut fields = vec![
                ("variable", Node::Bool(a.variable)),
                ("code", Node::text(&a.code)),
                ("datatype", Node::text(a.datatype.as_str())),
                ("required", Node::Bool(a.required)),
                ("datatype_description", Node::opt(&a.datatype_description)),
                ("order", Node::Int(i64::from(a.order))),
                ("description", Node::text(&a.description)),
            ];
            if a.datatype.is_list() {
                fields.push((
                    "values",
                    Node::List(
                        "value",
                        a.values
                            .iter()
                            .map(|(k, n)| {
                                Node::Object(vec![("key", Node::text(k)), ("name", Node::text(n))])
                            })
                            .collect(),
                    ),
                ));
            }
            Node::Object(fields)
        })
        .collect();
    Node::Object(vec![
        ("service_code", Node::text(&s.code)),
        ("attributes", Node::List("attribute", attributes)),
    ])
}

/// The expected time: the end of the working day on the due date.
fn expected(due_date: &str) -> Option<String> {
    let d: jiff::civil::Date = due_date.parse().ok()?;
    Some(format!("{d}T17:00:00+07:00"))
}

pub fn notice(r: &PublicReport) -> String {
    format!(
        "{} xử lý trong {} ngày làm việc, dự kiến trước {}.",
        r.agency,
        r.deadline_days,
        dieuhanh_core::time::format_civil_date(&r.due_date)
    )
}

fn request_node(r: &PublicReport) -> Node {
    Node::Object(vec![
        ("service_request_id", Node::text(&r.public_id)),
        ("status", Node::text(rules::public_status(&r.state))),
        ("status_notes", Node::opt(&r.status_notes)),
        ("service_name", Node::text(&r.service_name)),
        ("service_code", Node::text(&r.service_code)),
        ("description", Node::text(&r.description)),
        ("agency_responsible", Node::text(&r.agency)),
        ("service_notice", Node::text(notice(r))),
        (
            "requested_datetime",
            Node::text(datetime(r.requested_at_us)),
        ),
        ("updated_datetime", Node::text(datetime(r.updated_at_us))),
        ("expected_datetime", Node::Text(expected(&r.due_date))),
        ("address", Node::text(&r.address)),
        ("address_id", Node::opt(&r.address_id)),
        ("zipcode", Node::Text(None)),
        ("lat", r.lat.map(Node::Float).unwrap_or(Node::Text(None))),
        ("long", r.lon.map(Node::Float).unwrap_or(Node::Text(None))),
        ("media_url", Node::opt(&r.media_url)),
    ])
}

fn requests_node(list: &[PublicReport]) -> Node {
    Node::List("request", list.iter().map(request_node).collect())
}

/// The discovery document; its changeset is the catalogue's last change.
async fn discovery(state: &AppState, format: Format) -> Response {
    let base = format!("{}/open311/v2", state.config.mailer.public_url);
    let changed = match citizen::services(&state.store).await {
        Ok(list) => list.iter().map(|s| s.updated_at_us).max().unwrap_or(0),
        Err(e) => return backend(format, e),
    };
    let changeset = datetime(changed);
    let node = Node::Object(vec![
        ("changeset", Node::text(&changeset)),
        (
            "contact",
            Node::text("Trung tâm điều hành dieuhanh — quản trị viên hệ thống của Thành phố"),
        ),
        (
            "key_service",
            Node::text(
                "Administrators issue API keys on /admin/open311 or with `dieuhanh open311 key add`.",
            ),
        ),
        (
            "endpoints",
            Node::List(
                "endpoint",
                vec![Node::Object(vec![
                    ("specification", Node::text(SPECIFICATION)),
                    ("url", Node::text(base)),
                    ("changeset", Node::text(&changeset)),
                    (
                        "type",
                        Node::text(if state.config.demo {
                            "test"
                        } else {
                            "production"
                        }),
                    ),
                    (
                        "formats",
                        Node::List(
                            "format",
                            vec![Node::text("text/xml"), Node::text("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ]);
    respond(StatusCode::OK, format, "discovery", &node)
}

fn unknown_format(file: &str) -> Response {
    errors(
        Format::Xml,
        &[bad(vi("open311.err.format", &[("file", file)]))],
    )
}

/// `GET /open311/{file}`: the discovery document only.
#[utoipa::path(get, path = "/open311/{file}", tag = "open311",
    params(("file" = String, Path, description = "discovery.xml or discovery.json")),
    responses((status = 200, description = "The Open311 Service Discovery document (XML, or JSON with the .json suffix)", content_type = "text/xml"),
        (status = 404, description = "Error list")))]
pub async fn discovery_only(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match Format::split(&file) {
        Some(("discovery", f)) => discovery(&state, f).await,
        Some((_, f)) => errors(f, &[not_found(vi("open311.err.resource", &[]))]),
        None => unknown_format(&file),
    }
}

/// `GET /open311/v2/{file}`: discovery, services, requests.
#[utoipa::path(get, path = "/open311/v2/{file}", tag = "open311",
    params(("file" = String, Path, description = "discovery, services or requests, with .xml or .json (GeoReport v2 §5, §6, §10)"),
        ("jurisdiction_id" = Option<String>, Query, description = "hochiminhcity.gov.vn by default; empty is absent, another is 404"),
        ("service_request_id" = Option<String>, Query, description = "requests: ids, comma-separated; overrides every other filter"),
        ("service_code" = Option<String>, Query, description = "requests: codes, comma-separated"),
        ("status" = Option<String>, Query, description = "requests: open, closed or open,closed"),
        ("start_date" = Option<String>, Query, description = "requests: W3C date-time with offset"),
        ("end_date" = Option<String>, Query, description = "requests: W3C date-time with offset; the window is at most 90 days"),
        ("page" = Option<i64>, Query, description = "requests: page, from 1 (extension)"),
        ("page_size" = Option<i64>, Query, description = "requests: at most 1000 (extension); default cap 1000")),
    responses((status = 200, description = "Discovery, the service list or the request list (XML, or JSON with the .json suffix)", content_type = "text/xml"),
        (status = 400, description = "Error list"), (status = 404, description = "Error list")))]
pub async fn get_root(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((stem, format)) = Format::split(&file) else {
        return unknown_format(&file);
    };
    let pairs = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return errors(format, &[bad(e)]),
    };
    if let Err(e) = check_jurisdiction(&state, &pairs) {
        return errors(format, &[e]);
    }
    match stem {
        "discovery" => discovery(&state, format).await,
        "services" => match citizen::services(&state.store).await {
            Ok(list) => respond(
                StatusCode::OK,
                format,
                "services",
                &Node::List("service", list.iter().map(service_node).collect()),
            ),
            Err(e) => backend(format, e),
        },
        "requests" => list_requests(&state, format, &pairs).await,
        _ => errors(format, &[not_found(vi("open311.err.resource", &[]))]),
    }
}

fn backend(format: Format, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "open311 backend failure");
    errors(format, &[bad(vi("open311.err.unavailable", &[]))])
}

/// `GET /open311/v2/services/{code}.{format}`.
#[utoipa::path(get, path = "/open311/v2/services/{file}", tag = "open311",
    params(("file" = String, Path, description = "service_code with .xml or .json, e.g. TNG-01.json (§7)")),
    responses((status = 200, description = "The service definition (XML, or JSON with the .json suffix)", content_type = "text/xml"),
        (status = 404, description = "Error list")))]
pub async fn get_service(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return unknown_format(&file);
    };
    let pairs = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return errors(format, &[bad(e)]),
    };
    if let Err(e) = check_jurisdiction(&state, &pairs) {
        return errors(format, &[e]);
    }
    match citizen::service(&state.store, code).await {
        Ok(s) => respond(
            StatusCode::OK,
            format,
            "service_definition",
            &definition_node(&s),
        ),
        Err(dieuhanh_store::StoreError::NotFound) => errors(
            format,
            &[not_found(vi(
                "open311.err.unknown_service",
                &[("code", code)],
            ))],
        ),
        Err(e) => backend(format, e),
    }
}

/// `GET /open311/v2/requests/{id}.{format}`: a one-element list.
#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "open311",
    params(("file" = String, Path, description = "service_request_id with .xml or .json, e.g. PA-2026-000123.json (§11)")),
    responses((status = 200, description = "A one-element request list, without any reporter data (XML, or JSON with the .json suffix)", content_type = "text/xml"),
        (status = 404, description = "Error list")))]
pub async fn get_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format(&file);
    };
    let pairs = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return errors(format, &[bad(e)]),
    };
    if let Err(e) = check_jurisdiction(&state, &pairs) {
        return errors(format, &[e]);
    }
    let q = ReportQuery {
        public_ids: vec![id.to_string()],
        limit: 1,
        ..ReportQuery::default()
    };
    match citizen::reports(&state.store, &q).await {
        Ok(list) if list.is_empty() => errors(
            format,
            &[not_found(vi("open311.err.unknown_request", &[("id", id)]))],
        ),
        Ok(list) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            &requests_node(&list),
        ),
        Err(e) => backend(format, e),
    }
}

/// `GET /open311/v2/tokens/{token}.{format}`: every service is realtime, so no token is
/// ever issued and every token is unknown.
#[utoipa::path(get, path = "/open311/v2/tokens/{file}", tag = "open311",
    params(("file" = String, Path, description = "token with .xml or .json (§9)")),
    responses((status = 404, description = "Error list: every service is realtime, so no token exists")))]
pub async fn get_token(Path(file): Path<String>) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return unknown_format(&file);
    };
    errors(
        format,
        &[not_found(vi("open311.err.token", &[("token", token)]))],
    )
}

fn parse_instant(name: &str, value: &str) -> Result<i64, (StatusCode, String)> {
    value
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_microsecond())
        .map_err(|_| bad(vi("open311.err.date", &[("name", name)])))
}

fn comma_list(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

async fn list_requests(state: &AppState, format: Format, pairs: &Pairs) -> Response {
    let mut problems = Vec::new();
    let ids = comma_list(arg(pairs, "service_request_id"));
    let mut query = ReportQuery {
        public_ids: ids,
        service_codes: comma_list(arg(pairs, "service_code")),
        ..ReportQuery::default()
    };
    for status in comma_list(arg(pairs, "status")) {
        match status.as_str() {
            "open" => query
                .states
                .extend(["received", "acknowledged", "in_progress"].map(String::from)),
            "closed" => query
                .states
                .extend(["resolved", "rejected"].map(String::from)),
            other => problems.push(bad(vi("open311.err.status", &[("status", other)]))),
        }
    }
    let start = arg(pairs, "start_date").map(|v| parse_instant("start_date", v));
    let end = arg(pairs, "end_date").map(|v| parse_instant("end_date", v));
    let start = match start.transpose() {
        Ok(v) => v,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let end = match end.transpose() {
        Ok(v) => v,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let number = |name: &str, max: i64| -> Result<Option<i64>, (StatusCode, String)> {
        arg(pairs, name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        bad(vi(
                            "open311.err.number",
                            &[("name", name), ("max", &max.to_string())],
                        ))
                    })
            })
            .transpose()
    };
    let page = number("page", 1_000_000).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let page_size = number("page_size", MAX_PAGE_SIZE).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let now = dieuhanh_core::time::now_us();
    match rules::window(start, end, now) {
        Ok((from, to)) => {
            query.from_us = from;
            query.to_us = to;
        }
        Err(WindowError::Reversed) => problems.push(bad(vi("open311.err.reversed", &[]))),
        Err(WindowError::TooLong) => problems.push(bad(vi("open311.err.window", &[]))),
    }
    if !problems.is_empty() {
        return errors(format, &problems);
    }
    let size = page_size.unwrap_or(rules::DEFAULT_CAP as i64);
    query.limit = size;
    query.offset = (page.unwrap_or(1) - 1) * size;
    match citizen::reports(&state.store, &query).await {
        Ok(list) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            &requests_node(&list),
        ),
        Err(e) => backend(format, e),
    }
}

/// `POST /open311/v2/requests.{format}`: form-encoded or multipart (with an optional
/// `media` file).
#[utoipa::path(post, path = "/open311/v2/{file}", tag = "open311",
    params(("file" = String, Path, description = "requests.xml or requests.json (§8)")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "api_key, service_code, lat and long or address_string or address_id, attribute[CODE], description, email, phone, first_name, last_name, device_id, account_id, media_url, jurisdiction_id; multipart/form-data also accepted, with an optional `media` photo"),
    responses((status = 200, description = "A one-element list with service_request_id and service_notice (XML, or JSON with the .json suffix)", content_type = "text/xml"),
        (status = 400, description = "Error list"), (status = 403, description = "Error list: api_key missing or invalid"),
        (status = 404, description = "Error list: unknown service_code or jurisdiction_id"), (status = 429, description = "Error list: too many reports from this key")))]
pub async fn post_root(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((stem, format)) = Format::split(&file) else {
        return unknown_format(&file);
    };
    if stem != "requests" {
        return errors(format, &[not_found(vi("open311.err.post_only", &[]))]);
    }
    let mut fields = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return errors(format, &[bad(e)]),
    };
    let media = match intake::read_body(&headers, body).await {
        Ok((body_fields, media)) => {
            fields.extend(body_fields);
            media
        }
        Err(e) => return errors(format, &[bad(e)]),
    };
    if let Err(e) = check_jurisdiction(&state, &fields) {
        return errors(format, &[e]);
    }
    match intake::create(&state, &fields, media, intake::Source::Open311).await {
        Ok(report) => {
            let node = Node::List(
                "request",
                vec![Node::Object(vec![
                    ("service_request_id", Node::text(&report.public_id)),
                    ("service_notice", Node::text(notice(&report))),
                    ("account_id", Node::Text(None)),
                ])],
            );
            respond(StatusCode::OK, format, "service_requests", &node)
        }
        Err(problems) => {
            let t = crate::i18n::Lang::Vi.tr();
            let list: Vec<(StatusCode, String)> =
                problems.iter().map(|p| (p.status, p.text(&t))).collect();
            errors(format, &list)
        }
    }
}

/// `GET /open311/media/{id}`: a photo sent with a citizen report (public like the report);
/// no other file is reachable here.
pub async fn media(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let not_found = || errors(Format::Xml, &[not_found(vi("open311.err.no_media", &[]))]);
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    match dieuhanh_store::attachments::get(&state.store, id).await {
        Ok((meta, content)) => {
            let is_report = match meta.item_id {
                Some(item) => citizen::by_item(&state.store, item).await.is_ok(),
                None => false,
            };
            if is_report && meta.content_type.starts_with("image/") {
                crate::pages::files::download_response(&meta.file_name, &meta.content_type, content)
            } else {
                not_found()
            }
        }
        Err(_) => not_found(),
    }
}
