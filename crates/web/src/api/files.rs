//! Attached files over the API: upload (multipart, one `file` field) and download.

use crate::auth::ApiUser;
use crate::direction::DirectionError;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_store::attachments::Owner;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileDto {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content, to check a download against.
    pub sha256: String,
    /// Where to download it.
    pub href: String,
}

/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// PDF, Word, Excel, OpenDocument, JPG/PNG, TXT or CSV; at most 10 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

async fn upload(
    state: &AppState,
    caller: &ApiUser,
    owner: Owner,
    mut form: Multipart,
) -> Result<(StatusCode, axum::Json<FileDto>), ApiError> {
    let mut file = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request("invalid_multipart", e.to_string()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| ApiError::from(DirectionError::Invalid("file_too_large")))?;
            file = Some((name, bytes));
            break;
        }
    }
    let (name, bytes) = file.ok_or(DirectionError::Invalid("file_empty"))?;
    let id = crate::attachments::attach(state, &caller.principal(), owner, &name, &bytes).await?;
    let (meta, _) = crate::attachments::read(state, &caller.principal(), id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(FileDto {
            id: meta.id,
            file_name: meta.file_name,
            content_type: meta.content_type,
            size_bytes: meta.size_bytes,
            sha256: meta.sha256,
            href: format!("/api/v1/files/{}", meta.id),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/files", tag = "direction", params(("id" = i64, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = FileDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn to_task(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<(StatusCode, axum::Json<FileDto>), ApiError> {
    let id = super::path_id(&id)?;
    crate::direction::visible_of_kind(&state, &caller.principal(), id, "task").await?;
    upload(&state, &caller, Owner::Item(id), form).await
}

#[utoipa::path(post, path = "/api/v1/obstacles/{id}/files", tag = "obstacles", params(("id" = i64, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = FileDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn to_obstacle(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<(StatusCode, axum::Json<FileDto>), ApiError> {
    let id = super::path_id(&id)?;
    crate::direction::visible_of_kind(&state, &caller.principal(), id, "obstacle").await?;
    upload(&state, &caller, Owner::Item(id), form).await
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/files", tag = "direction", params(("id" = i64, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = FileDto), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn to_directive(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<(StatusCode, axum::Json<FileDto>), ApiError> {
    let id = super::path_id(&id)?;
    upload(&state, &caller, Owner::Directive(id), form).await
}

#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "direction", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = super::path_id(&id)?;
    let (meta, content) = crate::attachments::read(&state, &caller.principal(), id).await?;
    Ok(crate::pages::files::download_response(
        &meta.file_name,
        &meta.content_type,
        content,
    ))
}
