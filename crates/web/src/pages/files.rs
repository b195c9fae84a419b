//! Uploading files to tasks, obstacles and directives from their pages, and
//! downloading them. A download is always an attachment, never rendered inline.

use super::{PageError, PagePath, error_page, respond};
use crate::auth::PageCtx;
use crate::direction::DirectionError;
use crate::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dieuhanh_store::attachments::Owner;

/// A file listed on a page.
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub by: String,
    pub at: String,
}

pub async fn rows(state: &AppState, owner: Owner) -> Result<Vec<FileRow>, PageError> {
    Ok(crate::attachments::list(state, owner)
        .await?
        .into_iter()
        .map(|a| FileRow {
            id: a.id,
            name: a.file_name,
            size: if a.size_bytes >= 1024 * 1024 {
                format!("{:.1} MB", a.size_bytes as f64 / 1_048_576.0)
            } else {
                format!("{} KB", (a.size_bytes + 1023) / 1024)
            },
            by: a.uploaded_by_name.unwrap_or_default(),
            at: dieuhanh_core::time::format_datetime(a.created_at_us),
        })
        .collect())
}

/// The `file` field of a multipart form: (name, bytes). A form without one is an empty
/// upload.
async fn file_field(mut form: Multipart) -> Result<(String, Vec<u8>), DirectionError> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| DirectionError::Invalid("file_too_large"))?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(DirectionError::Invalid("file_empty"))
}

async fn upload(
    state: AppState,
    ctx: PageCtx,
    owner: Owner,
    back: String,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        // Signed in first: a visitor is sent to the login page whatever they posted.
        let principal = ctx.require()?.principal();
        let form = form.map_err(|_| DirectionError::Invalid("file_empty"));
        let outcome = match async { file_field(form?).await }.await {
            Ok((name, bytes)) => {
                crate::attachments::attach(&state, &principal, owner, &name, &bytes).await
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(_) => Ok(Redirect::to(&format!("{back}#files")).into_response()),
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => Ok(error_page(&ctx, StatusCode::BAD_REQUEST, e.message_key())),
        }
    }
    .await;
    respond(&ctx, result)
}

pub async fn to_task(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    upload(state, ctx, Owner::Item(id), format!("/tasks/{id}"), form).await
}

pub async fn to_obstacle(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    upload(
        state,
        ctx,
        Owner::Item(id),
        format!("/obstacles/{id}"),
        form,
    )
    .await
}

pub async fn to_directive(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    upload(
        state,
        ctx,
        Owner::Directive(id),
        format!("/directives/{id}"),
        form,
    )
    .await
}

/// A file as a download, whatever its kind, with a sandboxing policy of its own.
pub fn download_response(name: &str, content_type: &str, content: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                dieuhanh_core::files::content_disposition(name),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        content,
    )
        .into_response()
}

pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let (meta, content) = crate::attachments::read(&state, &principal, id).await?;
        Ok(download_response(
            &meta.file_name,
            &meta.content_type,
            content,
        ))
    }
    .await;
    respond(&ctx, result)
}
