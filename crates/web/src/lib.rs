//! The HTTP edge of dieuhanh: server-rendered pages, the JSON API and its OpenAPI
//! document, sessions and the security layers around them.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod ballots;
pub mod cockpit;
pub mod competence;
pub mod demo_dossiers;
pub mod direction;
pub mod dossiers;
pub mod error;
pub mod gaps;
pub mod i18n;
pub mod mail;
mod middleware;
pub mod obstacles;
pub mod open311;
pub mod ops;
pub mod pages;
pub mod reminders;
pub mod reports;
pub mod routes;
pub mod security;
pub mod staffing;
pub mod state;
pub mod statistics;
pub mod synthetic;
pub mod synthetic_work;
pub mod visits;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::routing::{get, post, put};
use dieuhanh_core::geography::BoundaryIndex;
use dieuhanh_store::Store;
use routes::{Access, RouteInfo, RouteTable};
use security::keys::Keys;
use security::passwords::PasswordHashing;
use security::throttle::LoginThrottle;
use state::{AppState, Geography, WebConfig};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Width of the projected map, in SVG user units.
const MAP_WIDTH: f64 = 1000.0;

/// The process-wide Prometheus recorder (a recorder can be installed only once).
fn metrics_handle() -> metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: OnceLock<metrics_exporter_prometheus::PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (e.g. by an embedding program).
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Loads the boundaries from the store and draws the map once.
pub async fn load_geography(store: &Store) -> anyhow::Result<Option<Arc<Geography>>> {
    let text = dieuhanh_store::units::boundaries_geojson(store).await?;
    let index = BoundaryIndex::from_geojson(&text)?;
    if index.is_empty() {
        return Ok(None);
    }
    let special_zones: Vec<String> = dieuhanh_store::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind == dieuhanh_core::org::UnitKind::SpecialZone)
        .map(|u| u.code)
        .collect();
    let inset: Vec<&str> = special_zones.iter().map(String::as_str).collect();
    let map = index.map_geometry(MAP_WIDTH, &inset);
    Ok(Some(Arc::new(Geography { index, map })))
}

pub async fn build_state(
    store: Store,
    config: WebConfig,
    master_key: &[u8; 32],
    passwords: PasswordHashing,
) -> anyhow::Result<AppState> {
    let geography = load_geography(&store).await?;
    // The citizen-report catalogue starts from its defaults once the organisation exists
    // (departments are resolved by code).
    if dieuhanh_store::units::root(&store).await.is_ok() {
        dieuhanh_store::seed_services::ensure_catalogue(&store).await?;
        dieuhanh_store::seed_procedures::ensure_catalogue(&store).await?;
    }
    let calendar = Arc::new(std::sync::RwLock::new(Arc::new(
        dieuhanh_store::calendar::load(&store).await?,
    )));
    Ok(AppState::new(state::AppStateInner {
        calendar,
        throttle: LoginThrottle::new(config.login_attempts_per_minute),
        key_throttle: security::throttle::KeyThrottle::new(config.open311_posts_per_minute),
        public_throttle: security::throttle::AddressThrottle::new(config.public_posts_per_minute),
        store,
        config: Arc::new(config),
        keys: Arc::new(Keys::from_master(master_key)),
        passwords,
        geography,
        metrics: metrics_handle(),
    }))
}

/// Every route of the product, with its access class.
pub fn route_table() -> RouteTable {
    use Access::*;
    RouteTable::default()
        // Pages.
        .add("GET", "/", Public, get(pages::home::show))
        .add("GET", "/login", Public, get(pages::login::form))
        .add("POST", "/login", Public, post(pages::login::submit))
        .add("GET", "/login/totp", Public, get(pages::login::totp_form))
        .add(
            "POST",
            "/login/totp",
            Public,
            post(pages::login::totp_submit),
        )
        .add("POST", "/logout", Public, post(pages::login::logout))
        .add(
            "GET",
            "/lang/{code}",
            Public,
            get(pages::login::set_language),
        )
        .add("GET", "/units", Public, get(pages::units::list))
        .add("GET", "/units/{code}", Public, get(pages::units::show))
        .add("GET", "/people", SignedIn, get(pages::people::list))
        .add("GET", "/audit", SignedIn, get(pages::audit::timeline))
        .add("GET", "/account", SignedIn, get(pages::account::show))
        .add(
            "POST",
            "/account/password",
            SignedIn,
            post(pages::account::change_password),
        )
        .add(
            "POST",
            "/account/totp",
            SignedIn,
            post(pages::account::enrol_totp),
        )
        .add("GET", "/cockpit", SignedIn, get(pages::cockpit::show))
        .add(
            "GET",
            "/cockpit.xlsx",
            SignedIn,
            get(pages::cockpit::export),
        )
        .add("GET", "/gaps", SignedIn, get(pages::gaps::show))
        .add("GET", "/inbox", SignedIn, get(pages::inbox::show))
        .add(
            "POST",
            "/inbox/read",
            SignedIn,
            post(pages::inbox::mark_read),
        )
        .add(
            "POST",
            "/tasks/{id}/files",
            SignedIn,
            post(pages::files::to_task).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "POST",
            "/obstacles/{id}/files",
            SignedIn,
            post(pages::files::to_obstacle).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "POST",
            "/directives/{id}/files",
            SignedIn,
            post(pages::files::to_directive).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add("GET", "/files/{id}", SignedIn, get(pages::files::download))
        .add("GET", "/staffing", SignedIn, get(pages::staffing::show))
        .add(
            "GET",
            "/staffing/export.xlsx",
            SignedIn,
            get(pages::staffing_xlsx::export),
        )
        .add(
            "POST",
            "/staffing/import",
            SignedIn,
            post(pages::staffing_xlsx::import).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "POST",
            "/staffing/positions",
            SignedIn,
            post(pages::staffing::add_position),
        )
        .add(
            "POST",
            "/staffing/proposals",
            SignedIn,
            post(pages::staffing::run),
        )
        .add(
            "GET",
            "/staffing/proposals/{id}",
            SignedIn,
            get(pages::staffing::proposal),
        )
        .add(
            "POST",
            "/staffing/proposals/{id}/approve",
            SignedIn,
            post(pages::staffing::approve),
        )
        .add(
            "GET",
            "/staffing/profile",
            SignedIn,
            get(pages::staffing::profile),
        )
        .add(
            "POST",
            "/staffing/profile",
            SignedIn,
            post(pages::staffing::save_profile),
        )
        .add("GET", "/ballots", SignedIn, get(pages::ballots::list))
        .add("POST", "/ballots", SignedIn, post(pages::ballots::create))
        .add("GET", "/ballots/{id}", SignedIn, get(pages::ballots::show))
        .add(
            "POST",
            "/ballots/{id}/vote",
            SignedIn,
            post(pages::ballots::vote),
        )
        .add(
            "GET",
            "/admin/procedures",
            SignedIn,
            get(pages::procedures_admin::show),
        )
        .add(
            "POST",
            "/admin/procedures",
            SignedIn,
            post(pages::procedures_admin::save),
        )
        .add(
            "GET",
            "/admin/procedures.xlsx",
            SignedIn,
            get(pages::procedures_admin::export),
        )
        .add(
            "POST",
            "/admin/procedures/import",
            SignedIn,
            post(pages::procedures_admin::import).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "GET",
            "/admin/competence",
            SignedIn,
            get(pages::competence_admin::show),
        )
        .add(
            "POST",
            "/admin/competence",
            SignedIn,
            post(pages::competence_admin::add),
        )
        .add(
            "POST",
            "/admin/competence/{id}/revoke",
            SignedIn,
            post(pages::competence_admin::revoke),
        )
        .add("GET", "/dossiers", SignedIn, get(pages::dossiers::list))
        .add("POST", "/dossiers", SignedIn, post(pages::dossiers::create))
        .add("GET", "/dossiers/new", SignedIn, get(pages::dossiers::new))
        .add(
            "GET",
            "/dossiers/statistics",
            SignedIn,
            get(pages::statistics::list),
        )
        .add(
            "GET",
            "/dossiers/statistics.xlsx",
            SignedIn,
            get(pages::statistics::export),
        )
        .add(
            "GET",
            "/dossiers/statistics/{code}",
            SignedIn,
            get(pages::statistics::unit),
        )
        .add(
            "POST",
            "/dossiers/statistics/{code}/figures",
            SignedIn,
            post(pages::statistics::enter),
        )
        .add(
            "GET",
            "/dossiers/{id}",
            SignedIn,
            get(pages::dossiers::show),
        )
        .add(
            "POST",
            "/dossiers/{id}/act",
            SignedIn,
            post(pages::dossiers::act),
        )
        .add(
            "POST",
            "/dossiers/{id}/pay",
            SignedIn,
            post(pages::dossiers::pay),
        )
        .add(
            "POST",
            "/dossiers/{id}/identity",
            SignedIn,
            post(pages::dossiers::identity),
        )
        .add("GET", "/dich-vu-cong", Public, get(pages::services::search))
        .add(
            "GET",
            "/dich-vu-cong/{code}",
            Public,
            get(pages::services::procedure),
        )
        .add(
            "POST",
            "/dich-vu-cong/{code}",
            Public,
            post(pages::services::file).layer(DefaultBodyLimit::max(DOSSIER_BODY_BYTES)),
        )
        .add("GET", "/tra-cuu", Public, get(pages::services::lookup))
        .add(
            "POST",
            "/tra-cuu/danh-gia",
            Public,
            post(pages::services::rate),
        )
        .add(
            "POST",
            "/tra-cuu/bo-sung",
            SignedIn,
            post(pages::services::supplement).layer(DefaultBodyLimit::max(DOSSIER_BODY_BYTES)),
        )
        .add(
            "GET",
            "/ho-so-cua-toi",
            SignedIn,
            get(pages::services::mine),
        )
        .add("GET", "/phan-anh", Public, get(pages::portal::list))
        .add(
            "POST",
            "/phan-anh",
            Public,
            post(pages::portal::submit).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add("GET", "/phan-anh/moi", Public, get(pages::portal::new))
        .add(
            "GET",
            "/phan-anh/ban-do.svg",
            Public,
            get(pages::portal::map_svg),
        )
        .add("GET", "/phan-anh/{id}", Public, get(pages::portal::show))
        .add(
            "GET",
            "/citizen-reports",
            SignedIn,
            get(pages::citizen::list),
        )
        .add(
            "GET",
            "/citizen-reports/{id}",
            SignedIn,
            get(pages::citizen::show),
        )
        .add(
            "POST",
            "/citizen-reports/{id}/contact",
            SignedIn,
            post(pages::citizen::contact),
        )
        .add(
            "POST",
            "/citizen-reports/{id}/act",
            SignedIn,
            post(pages::citizen::act),
        )
        .add(
            "GET",
            "/open311/{file}",
            Public,
            get(open311::discovery_only),
        )
        .add("GET", "/open311/v2/{file}", Public, get(open311::get_root))
        .add(
            "POST",
            "/open311/v2/{file}",
            Public,
            post(open311::post_root).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "GET",
            "/open311/v2/services/{file}",
            Public,
            get(open311::get_service),
        )
        .add(
            "GET",
            "/open311/v2/requests/{file}",
            Public,
            get(open311::get_request),
        )
        .add(
            "GET",
            "/open311/v2/tokens/{file}",
            Public,
            get(open311::get_token),
        )
        .add("GET", "/open311/media/{id}", Public, get(open311::media))
        .add("GET", "/obstacles", SignedIn, get(pages::obstacles::list))
        .add(
            "POST",
            "/obstacles",
            SignedIn,
            post(pages::obstacles::raise),
        )
        .add(
            "GET",
            "/obstacles/{id}",
            SignedIn,
            get(pages::obstacles::show),
        )
        .add(
            "POST",
            "/obstacles/{id}/act",
            SignedIn,
            post(pages::obstacles::act),
        )
        .add("GET", "/reports", SignedIn, get(pages::reports::list))
        .add("POST", "/reports", SignedIn, post(pages::reports::define))
        .add(
            "GET",
            "/reports/templates/{id}",
            SignedIn,
            get(pages::reports::show_template),
        )
        .add(
            "GET",
            "/reports/templates/{id}/export.xlsx",
            SignedIn,
            get(pages::reports::export),
        )
        .add(
            "POST",
            "/reports/templates/{id}/targets",
            SignedIn,
            post(pages::reports::set_targets),
        )
        .add("GET", "/reports/{id}", SignedIn, get(pages::reports::show))
        .add(
            "POST",
            "/reports/{id}/values",
            SignedIn,
            post(pages::reports::save),
        )
        .add(
            "POST",
            "/reports/{id}/act",
            SignedIn,
            post(pages::reports::act),
        )
        .add(
            "POST",
            "/account/email",
            SignedIn,
            post(pages::account::set_email),
        )
        .add("GET", "/admin/outbox", Admin, get(pages::outbox::show))
        .add(
            "GET",
            "/admin/open311",
            Admin,
            get(pages::open311_admin::show),
        )
        .add(
            "POST",
            "/admin/open311",
            Admin,
            post(pages::open311_admin::add),
        )
        .add(
            "POST",
            "/admin/open311/revoke",
            Admin,
            post(pages::open311_admin::revoke),
        )
        .add(
            "GET",
            "/admin/terms",
            Admin,
            get(pages::settings_admin::show),
        )
        .add(
            "POST",
            "/admin/terms",
            Admin,
            post(pages::settings_admin::save),
        )
        .add("GET", "/visits", SignedIn, get(pages::visits::show))
        .add("POST", "/visits", SignedIn, post(pages::visits::log))
        .add(
            "POST",
            "/visits/leaders",
            SignedIn,
            post(pages::visits::assign),
        )
        .add(
            "POST",
            "/visits/leaders/remove",
            SignedIn,
            post(pages::visits::unassign),
        )
        .add(
            "GET",
            "/directives",
            SignedIn,
            get(pages::direction::directives),
        )
        .add(
            "POST",
            "/directives",
            SignedIn,
            post(pages::direction::issue),
        )
        .add(
            "GET",
            "/directives/{id}",
            SignedIn,
            get(pages::direction::directive),
        )
        .add("GET", "/tasks", SignedIn, get(pages::direction::tasks))
        .add("GET", "/tasks/{id}", SignedIn, get(pages::direction::task))
        .add(
            "POST",
            "/tasks/{id}/act",
            SignedIn,
            post(pages::direction::act),
        )
        .add("GET", "/admin/users", Admin, get(pages::admin::list))
        .add("POST", "/admin/users", Admin, post(pages::admin::create))
        .add(
            "POST",
            "/admin/users/{id}/disable",
            Admin,
            post(pages::admin::disable),
        )
        .add(
            "POST",
            "/admin/users/{id}/enable",
            Admin,
            post(pages::admin::enable),
        )
        .add(
            "POST",
            "/admin/users/{id}/password",
            Admin,
            post(pages::admin::reset_password),
        )
        .add(
            "GET",
            "/admin/routes",
            Admin,
            get(pages::routes_admin::show),
        )
        .add(
            "POST",
            "/admin/routes",
            Admin,
            post(pages::routes_admin::save),
        )
        .add(
            "POST",
            "/admin/routes/delete",
            Admin,
            post(pages::routes_admin::delete),
        )
        .add("GET", "/admin/calendar", Admin, get(pages::calendar::index))
        .add("GET", "/admin/calendar/go", Admin, get(pages::calendar::go))
        .add(
            "GET",
            "/admin/calendar/{year}",
            Admin,
            get(pages::calendar::edit),
        )
        .add(
            "POST",
            "/admin/calendar/{year}",
            Admin,
            post(pages::calendar::save),
        )
        .add("GET", "/static/app.css", Public, get(ops::stylesheet))
        .add("GET", "/favicon.svg", Public, get(ops::favicon))
        // API.
        .add("POST", "/api/v1/auth/login", Public, post(api::auth::login))
        .add("GET", "/api/v1/me", SignedIn, get(api::auth::me))
        .add("GET", "/api/v1/units", Public, get(api::units::list))
        .add(
            "GET",
            "/api/v1/procedures",
            Public,
            get(api::dossiers::procedures),
        )
        .add(
            "GET",
            "/api/v1/dossiers/lookup/{code}",
            Public,
            get(api::dossiers::lookup),
        )
        .add(
            "GET",
            "/api/v1/dossiers",
            SignedIn,
            get(api::dossiers::list),
        )
        .add(
            "POST",
            "/api/v1/dossiers",
            SignedIn,
            post(api::dossiers::create),
        )
        .add(
            "GET",
            "/api/v1/dossiers/{id}",
            SignedIn,
            get(api::dossiers::get),
        )
        .add(
            "POST",
            "/api/v1/dossiers/{id}/actions",
            SignedIn,
            post(api::dossiers::act),
        )
        .add(
            "GET",
            "/api/v1/index766",
            SignedIn,
            get(api::dossiers::index766),
        )
        .add("GET", "/api/v1/units/at", Public, get(api::units::at))
        .add("GET", "/api/v1/units/{code}", Public, get(api::units::get))
        .add("GET", "/api/v1/people", SignedIn, get(api::people::list))
        .add("GET", "/api/v1/audit", SignedIn, get(api::audit::list))
        .add(
            "GET",
            "/api/v1/calendar/add-working-days",
            Public,
            get(api::calendar::add_working_days),
        )
        .add(
            "GET",
            "/api/v1/calendar/{year}",
            Public,
            get(api::calendar::year),
        )
        .add(
            "POST",
            "/api/v1/directives",
            SignedIn,
            post(api::direction::create),
        )
        .add(
            "GET",
            "/api/v1/directives",
            SignedIn,
            get(api::direction::list),
        )
        .add(
            "GET",
            "/api/v1/directives/{id}",
            SignedIn,
            get(api::direction::get),
        )
        .add("GET", "/api/v1/tasks", SignedIn, get(api::direction::tasks))
        .add(
            "GET",
            "/api/v1/tasks/{id}",
            SignedIn,
            get(api::direction::task),
        )
        .add(
            "POST",
            "/api/v1/tasks/{id}/actions",
            SignedIn,
            post(api::direction::act),
        )
        .add("GET", "/api/v1/cockpit", SignedIn, get(api::cockpit::get))
        .add("GET", "/api/v1/gaps", SignedIn, get(api::cockpit::gaps))
        .add(
            "GET",
            "/api/v1/notifications",
            SignedIn,
            get(api::inbox::list),
        )
        .add(
            "POST",
            "/api/v1/tasks/{id}/files",
            SignedIn,
            post(api::files::to_task).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "POST",
            "/api/v1/obstacles/{id}/files",
            SignedIn,
            post(api::files::to_obstacle).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "POST",
            "/api/v1/directives/{id}/files",
            SignedIn,
            post(api::files::to_directive).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .add(
            "GET",
            "/api/v1/files/{id}",
            SignedIn,
            get(api::files::download),
        )
        .add(
            "GET",
            "/api/v1/citizen-reports",
            SignedIn,
            get(api::citizen::list),
        )
        .add(
            "GET",
            "/api/v1/citizen-reports/{id}",
            SignedIn,
            get(api::citizen::get),
        )
        .add(
            "POST",
            "/api/v1/citizen-reports/{id}/actions",
            SignedIn,
            post(api::citizen::act),
        )
        .add(
            "GET",
            "/api/v1/report-templates",
            SignedIn,
            get(api::reports::templates),
        )
        .add(
            "POST",
            "/api/v1/report-templates",
            SignedIn,
            post(api::reports::create),
        )
        .add(
            "GET",
            "/api/v1/report-templates/{id}/summary",
            SignedIn,
            get(api::reports::summary),
        )
        .add(
            "PUT",
            "/api/v1/report-templates/{id}/targets",
            SignedIn,
            put(api::reports::put_targets),
        )
        .add("GET", "/api/v1/reports", SignedIn, get(api::reports::list))
        .add(
            "GET",
            "/api/v1/reports/{id}",
            SignedIn,
            get(api::reports::get),
        )
        .add(
            "PUT",
            "/api/v1/reports/{id}/values",
            SignedIn,
            put(api::reports::put_values),
        )
        .add(
            "POST",
            "/api/v1/reports/{id}/actions",
            SignedIn,
            post(api::reports::act),
        )
        .add(
            "GET",
            "/api/v1/obstacles/domains",
            SignedIn,
            get(api::obstacles::domains),
        )
        .add(
            "GET",
            "/api/v1/obstacles/answers",
            SignedIn,
            get(api::obstacles::answers),
        )
        .add(
            "POST",
            "/api/v1/obstacles",
            SignedIn,
            post(api::obstacles::create),
        )
        .add(
            "GET",
            "/api/v1/obstacles",
            SignedIn,
            get(api::obstacles::list),
        )
        .add(
            "GET",
            "/api/v1/obstacles/{id}",
            SignedIn,
            get(api::obstacles::get),
        )
        .add(
            "POST",
            "/api/v1/obstacles/{id}/actions",
            SignedIn,
            post(api::obstacles::act),
        )
        .add("GET", "/api/v1/visits", SignedIn, get(api::visits::list))
        .add(
            "POST",
            "/api/v1/visits",
            SignedIn,
            post(api::visits::create),
        )
        .add("GET", "/api/openapi.json", Public, get(api::openapi::serve))
        // Operations.
        .add("GET", "/healthz", Ops, get(ops::healthz))
        .add("GET", "/metrics", Ops, get(ops::metrics))
}

/// The list of routes, for tests and documentation.
pub fn routes() -> Vec<RouteInfo> {
    route_table().into_router().1
}

pub fn app(state: AppState) -> Router {
    let (router, _) = route_table().into_router();
    stack(router, state)
}

/// The middleware every route runs behind (security headers, CSRF, request ids, time-out,
/// panic catching, tracing). Public so a benchmark can measure a trivial handler behind
/// exactly the same stack.
pub fn stack(router: Router<AppState>, state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let mut router = router
        .fallback(middleware::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::anon_cookie,
        ))
        .layer(axum::middleware::from_fn(middleware::track))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes));
    for (name, value) in security::headers::all(state.config.tls) {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// A panic is a bug: log it and answer a bilingual error without internals.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!("a request handler panicked");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi hệ thống</title>\
             <h1>Lỗi hệ thống / System error</h1><p><a href=\"/\">Trang chủ / Home</a></p></html>",
        ),
    )
        .into_response()
}

/// Largest upload request: one file of the largest accepted size and the form around it.
pub const UPLOAD_BODY_BYTES: usize = dieuhanh_core::files::MAX_FILE_BYTES + 64 * 1024;

/// Largest online filing: the documents of one dossier together (each file is also held
/// to its own limit).
pub const DOSSIER_BODY_BYTES: usize = 3 * dieuhanh_core::files::MAX_FILE_BYTES + 64 * 1024;

/// Background upkeep: forget idle throttle keys, purge expired sessions, open the
/// current period's report obligations, send reminders and escalations.
pub fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            state.throttle.retain_recent();
            state.key_throttle.retain_recent();
            state.public_throttle.retain_recent();
            let now = dieuhanh_core::time::now_us();
            let idle = now - state.config.session_idle.as_micros() as i64;
            let absolute = now - state.config.session_absolute.as_micros() as i64;
            if let Err(e) =
                dieuhanh_store::sessions::purge_expired(&state.store, idle, absolute).await
            {
                tracing::warn!(error = %e, "session purge failed");
            }
            let today = crate::direction::today();
            match reports::open_periods(&state.store, &state.calendar(), today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reports = n, "report obligations opened"),
                Err(e) => tracing::warn!(error = %e, "opening report periods failed"),
            }
            let config = &state.config;
            match reminders::run_once(
                &state.store,
                &state.calendar(),
                today,
                &config.reminder_days,
                &config.mailer,
            )
            .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(notifications = n, "reminders and escalations sent"),
                Err(e) => tracing::warn!(error = %e, "reminder job failed"),
            }
            match mail::deliver(&state.store, &config.mailer, 200).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(mails = n, "mails sent"),
                Err(e) => tracing::warn!(error = %e, "mail delivery failed"),
            }
        }
    });
}

/// Serves until the future `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    spawn_housekeeping(state.clone());
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
