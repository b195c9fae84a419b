//! Staffing in Excel, as HR offices keep it: the board exports positions, officials and
//! their abilities, and imports abilities (one row per official and criterion:
//! username, criterion, level) with every bad row named.

use super::{PageError, respond, xlsx_response};
use crate::auth::PageCtx;
use crate::staffing::is_board;
use crate::state::AppState;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::Response;
use calamine::{Data, Reader};
use dieuhanh_store::staffing as store;
use std::collections::BTreeMap;

/// The sheet (and its header) that import reads and export writes.
pub const ABILITIES_SHEET: &str = "Năng lực";

fn require_board(ctx: &PageCtx) -> Result<dieuhanh_core::policy::Principal, PageError> {
    let principal = ctx.require()?.principal();
    if is_board(&principal) {
        Ok(principal)
    } else {
        Err(PageError::forbidden())
    }
}

pub async fn export(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        require_board(&ctx)?;
        let positions = store::positions(&state.store).await?;
        let profiles = store::profiles(&state.store).await?;
        let mut people = Vec::with_capacity(profiles.len());
        for p in &profiles {
            let user = dieuhanh_store::users::by_id(&state.store, p.user_id).await?;
            people.push((user, p));
        }
        let bytes = (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            use rust_xlsxwriter::{Format, Workbook};
            let mut book = Workbook::new();
            let bold = Format::new().set_bold();
            let sheet = book.add_worksheet();
            sheet.set_name("Vị trí")?;
            for (col, h) in [
                "Số",
                "Đơn vị",
                "Vị trí",
                "Số người",
                "Chủ chốt",
                "Luân chuyển (năm)",
                "Yêu cầu",
            ]
            .iter()
            .enumerate()
            {
                sheet.write_string_with_format(0, col as u16, *h, &bold)?;
            }
            for (i, p) in positions.iter().enumerate() {
                let row = i as u32 + 1;
                sheet.write_number(row, 0, p.id as f64)?;
                sheet.write_string(row, 1, &p.unit_name)?;
                sheet.write_string(row, 2, &p.title)?;
                sheet.write_number(row, 3, p.quota as f64)?;
                sheet.write_string(row, 4, if p.key_position { "có" } else { "không" })?;
                if let Some(y) = p.rotation_years {
                    sheet.write_number(row, 5, y as f64)?;
                }
                let reqs: Vec<String> = p
                    .requirements
                    .iter()
                    .map(|r| {
                        format!(
                            "{} | {} | {} | {}",
                            r.criterion,
                            r.min_level,
                            if r.mandatory { "có" } else { "không" },
                            r.weight
                        )
                    })
                    .collect();
                sheet.write_string(row, 6, reqs.join("\n"))?;
            }
            let sheet = book.add_worksheet();
            sheet.set_name(ABILITIES_SHEET)?;
            for (col, h) in ["Tên đăng nhập", "Tiêu chí", "Mức"].iter().enumerate() {
                sheet.write_string_with_format(0, col as u16, *h, &bold)?;
            }
            let mut row = 1;
            for (user, p) in &people {
                for (k, v) in &p.levels {
                    sheet.write_string(row, 0, &user.username)?;
                    sheet.write_string(row, 1, k)?;
                    sheet.write_number(row, 2, *v)?;
                    row += 1;
                }
            }
            book.save_to_buffer()
        })()
        .map_err(|e| PageError::Internal(e.to_string()))?;
        Ok(xlsx_response("bo-tri-can-bo.xlsx", bytes))
    }
    .await;
    respond(&ctx, result)
}

/// Reads the abilities sheet: (username, criterion, level) rows, or the numbers of the
/// rows that are not.
pub fn read_abilities(bytes: &[u8]) -> Result<Vec<(String, String, f64)>, Vec<usize>> {
    let Ok(mut book) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) else {
        return Err(vec![0]);
    };
    let range = match book.worksheet_range(ABILITIES_SHEET) {
        Ok(r) => r,
        Err(_) => match book.worksheet_range_at(0) {
            Some(Ok(r)) => r,
            _ => return Err(vec![0]),
        },
    };
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, row) in range.rows().enumerate().skip(1) {
        let text = |c: Option<&Data>| match c {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Int(n)) => n.to_string(),
            Some(Data::Float(f)) => f.to_string(),
            _ => String::new(),
        };
        let (user, criterion) = (text(row.first()), text(row.get(1)));
        if user.is_empty() && criterion.is_empty() {
            continue;
        }
        let level = match row.get(2) {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(n)) => Some(*n as f64),
            Some(Data::String(s)) => dieuhanh_core::reporting::parse_number(s),
            _ => None,
        };
        match level.filter(|l| *l >= 0.0 && l.is_finite()) {
            Some(l)
                if !user.is_empty()
                    && !criterion.is_empty()
                    && criterion.chars().count() <= 100 =>
            {
                rows.push((user, dieuhanh_core::text::fold(&criterion), l))
            }
            _ => bad.push(i + 1),
        }
    }
    if bad.is_empty() { Ok(rows) } else { Err(bad) }
}

pub async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let principal = require_board(&ctx)?;
        let mut bytes = Vec::new();
        if let Ok(mut form) = form {
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some("file") {
                    bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                }
            }
        }
        let fail = |message: String| {
            super::staffing::board_page(&state, &ctx, StatusCode::BAD_REQUEST, Some(message))
        };
        let rows = match read_abilities(&bytes) {
            Ok(rows) => rows,
            Err(lines) if lines == [0] => {
                return fail(ctx.t.get("staffing.import_unreadable").to_string()).await;
            }
            Err(lines) => {
                let list: Vec<String> = lines.iter().map(usize::to_string).collect();
                return fail(ctx.t.fill(
                    "staffing.import_bad_rows",
                    [("rows", list.join(", ").as_str())],
                ))
                .await;
            }
        };
        // Every username must exist before anything is written.
        let mut by_user: BTreeMap<String, (i64, i64, BTreeMap<String, f64>)> = BTreeMap::new();
        for (username, criterion, level) in &rows {
            if !by_user.contains_key(username) {
                let Ok(user) = dieuhanh_store::users::by_username(&state.store, username).await
                else {
                    return fail(ctx.t.fill(
                        "staffing.import_unknown_user",
                        [("user", username.as_str())],
                    ))
                    .await;
                };
                by_user.insert(username.clone(), (user.id, user.unit_id, BTreeMap::new()));
            }
            if let Some(entry) = by_user.get_mut(username) {
                entry.2.insert(criterion.clone(), *level);
            }
        }
        let mut tx = state.store.begin().await?;
        for (user_id, unit_id, levels) in by_user.values() {
            let mut profile =
                store::profile(&state.store, *user_id)
                    .await?
                    .unwrap_or(store::Profile {
                        user_id: *user_id,
                        unit_id: *unit_id,
                        ..store::Profile::default()
                    });
            profile.levels.extend(levels.clone());
            store::save_profile_as(&mut tx, &profile, principal.user_id).await?;
        }
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        Ok(axum::response::IntoResponse::into_response(
            axum::response::Redirect::to("/staffing?imported=1"),
        ))
    }
    .await;
    respond(&ctx, result)
}
