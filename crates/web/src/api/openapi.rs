//! The OpenAPI 3 document at `/api/openapi.json`.

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "dieuhanh API", description = "Direction and public services for a two-tier Vietnamese local government. Errors are `{\"error\": {\"code\", \"message\"}}`; lists are `{\"items\", \"total\"}` with `page` and `page_size` (default 50, maximum 500)."),
    paths(
        super::auth::login,
        super::auth::me,
        super::units::list,
        super::units::get,
        super::units::at,
        super::people::list,
        super::audit::list,
        super::calendar::year,
        super::direction::create,
        super::direction::list,
        super::direction::get,
        super::direction::tasks,
        super::direction::task,
        super::direction::act,
        super::cockpit::get,
        super::cockpit::gaps,
        super::inbox::list,
        super::visits::list,
        super::obstacles::domains,
        super::obstacles::create,
        super::obstacles::list,
        super::obstacles::get,
        super::obstacles::act,
        super::obstacles::answers,
        super::visits::create,
        crate::open311::discovery_only,
        crate::open311::get_root,
        crate::open311::post_root,
        crate::open311::get_service,
        crate::open311::get_request,
        crate::open311::get_token,
        super::citizen::list,
        super::citizen::get,
        super::citizen::act,
        super::dossiers::procedures,
        super::dossiers::lookup,
        super::dossiers::create,
        super::dossiers::list,
        super::dossiers::get,
        super::dossiers::act,
        super::dossiers::index766,
        super::files::to_task,
        super::files::to_obstacle,
        super::files::to_directive,
        super::files::download,
        super::reports::templates,
        super::reports::create,
        super::reports::summary,
        super::reports::put_targets,
        super::reports::list,
        super::reports::get,
        super::reports::put_values,
        super::reports::act,
        super::calendar::add_working_days,
        crate::ops::healthz,
        crate::ops::metrics,
    ),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "units"), (name = "people"), (name = "audit"), (name = "calendar"), (name = "direction"), (name = "obstacles"), (name = "reports"), (name = "citizen reports"), (name = "public services"), (name = "open311", description = "Open311 GeoReport v2 (XML and JSON; see the GeoReport v2 specification)"), (name = "ops"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn serve() -> impl IntoResponse {
    Json(document())
}
