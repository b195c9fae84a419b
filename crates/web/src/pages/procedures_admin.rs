//! /admin/procedures: the procedure catalogue for administrators: every procedure, one
//! edited or added through a form, the whole catalogue exported to and imported from
//! Excel (every row checked before any is written). Catalogues change often (terms,
//! fees set by the People's Council, new laws), so this is data, not code.

use super::{PageError, PageForm, PageQuery, render, respond, xlsx_response};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::Response;
use calamine::{Data, Reader};
use dieuhanh_core::dossier::{Term, TermUnit};
use dieuhanh_store::procedures::{self, Document, Procedure};
use std::collections::HashMap;

/// The sheet export writes and import reads, and its columns.
pub const SHEET: &str = "Thủ tục";
const COLUMNS: [&str; 16] = [
    "code",
    "name",
    "domain",
    "level",
    "term_value",
    "term_unit",
    "term_note",
    "fee_vnd",
    "fee_note",
    "documents",
    "steps",
    "online_level",
    "electronic_result",
    "legal_basis",
    "source",
    "valid_from",
];

/// Documents as typed: one per line, a trailing `*` marks a required one.
fn parse_documents(text: &str) -> Vec<Document> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_suffix('*') {
            Some(name) => Document {
                name: name.trim().to_string(),
                required: true,
            },
            None => Document {
                name: l.to_string(),
                required: false,
            },
        })
        .collect()
}

fn documents_text(docs: &[Document]) -> String {
    docs.iter()
        .map(|d| {
            if d.required {
                format!("{} *", d.name)
            } else {
                d.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a procedure as typed or imported; the translation key of the first problem.
pub fn check(fields: &HashMap<String, String>) -> Result<Procedure, &'static str> {
    let get = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let code = get("code");
    let code_ok = !code.is_empty()
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !code_ok {
        return Err("procedures.err.code");
    }
    let name = get("name");
    if name.is_empty() || name.chars().count() > 300 {
        return Err("procedures.err.name");
    }
    let domain = get("domain");
    if domain.is_empty() || domain.chars().count() > 100 {
        return Err("procedures.err.domain");
    }
    let level = get("level");
    if crate::competence::parse_level(&level).is_none() {
        return Err("procedures.err.level");
    }
    let unit = TermUnit::parse(&get("term_unit")).ok_or("procedures.err.term")?;
    let value: u32 = match unit {
        TermUnit::SameDay => 0,
        _ => get("term_value")
            .parse()
            .ok()
            // Months as the core counts them (at most ten years); other units up to a year.
            .filter(|v| (1..=if unit == TermUnit::Months { 120 } else { 365 }).contains(v))
            .ok_or("procedures.err.term")?,
    };
    let fee_vnd = match get("fee_vnd").as_str() {
        "" => 0,
        text => dieuhanh_core::reporting::parse_number(text)
            .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e12)
            .ok_or("procedures.err.fee")? as i64,
    };
    let documents = parse_documents(&get("documents"));
    if documents
        .iter()
        .any(|d| d.name.is_empty() || d.name.chars().count() > 300)
    {
        return Err("procedures.err.documents");
    }
    let online_level = get("online_level");
    if !matches!(online_level.as_str(), "full" | "partial" | "none") {
        return Err("procedures.err.online");
    }
    let date = |k: &str| -> Result<Option<String>, &'static str> {
        match get(k).as_str() {
            "" => Ok(None),
            text => dieuhanh_core::calendar::parse_date(text)
                .map(|d| Some(d.to_string()))
                .ok_or("procedures.err.dates"),
        }
    };
    let valid_from = date("valid_from")?.ok_or("procedures.err.dates")?;
    let valid_to = date("valid_to")?;
    if valid_to
        .as_deref()
        .is_some_and(|to| to < valid_from.as_str())
    {
        return Err("procedures.err.dates");
    }
    let steps: Vec<String> = get("steps")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Procedure {
        code,
        name,
        domain,
        level,
        term: Term { value, unit },
        term_note: get("term_note"),
        fee_vnd,
        fee_note: get("fee_note"),
        documents,
        steps,
        online_level,
        electronic_result: matches!(get("electronic_result").as_str(), "1" | "on" | "true"),
        legal_basis: get("legal_basis"),
        source: get("source"),
        valid_from,
        valid_to,
    })
}

fn fields_of(p: &Procedure) -> HashMap<String, String> {
    [
        ("code", p.code.clone()),
        ("name", p.name.clone()),
        ("domain", p.domain.clone()),
        ("level", p.level.clone()),
        ("term_value", p.term.value.to_string()),
        ("term_unit", p.term.unit.as_str().to_string()),
        ("term_note", p.term_note.clone()),
        ("fee_vnd", p.fee_vnd.to_string()),
        ("fee_note", p.fee_note.clone()),
        ("documents", documents_text(&p.documents)),
        ("steps", p.steps.join("\n")),
        ("online_level", p.online_level.clone()),
        (
            "electronic_result",
            if p.electronic_result { "1" } else { "0" }.into(),
        ),
        ("legal_basis", p.legal_basis.clone()),
        ("source", p.source.clone()),
        ("valid_from", p.valid_from.clone()),
        ("valid_to", p.valid_to.clone().unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[derive(Template)]
#[template(path = "admin_procedures.html")]
struct Page<'a> {
    ctx: &'a PageCtx,
    procedures: Vec<Procedure>,
    form: HashMap<String, String>,
    message: Option<String>,
    error: Option<String>,
}

impl Page<'_> {
    /// A field of the form as last typed or stored.
    fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: HashMap<String, String>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    ctx.require_operator()?;
    Ok(render(
        status,
        &Page {
            ctx,
            procedures: procedures::all(&state.store).await?,
            form,
            message,
            error,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct ShowParams {
    #[serde(default)]
    code: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<ShowParams>,
) -> Response {
    let result = async {
        let form = match procedures::get(&state.store, params.code.trim()).await {
            Ok(p) => fields_of(&p),
            Err(_) => HashMap::new(),
        };
        page(&state, &ctx, StatusCode::OK, form, None, None).await
    }
    .await;
    respond(&ctx, result)
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let mut form = form;
        form.remove("csrf");
        match check(&form) {
            Ok(p) => {
                let root = dieuhanh_store::units::root(&state.store).await?;
                let mut tx = state.store.begin().await?;
                procedures::upsert(&mut tx, &p, Some(actor), root.id).await?;
                tx.commit().await?;
                let done = ctx.t.fill("procedures.saved", [("code", p.code.as_str())]);
                page(
                    &state,
                    &ctx,
                    StatusCode::OK,
                    fields_of(&p),
                    Some(done),
                    None,
                )
                .await
            }
            Err(key) => {
                let error = ctx.t.get(key).to_string();
                page(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    form,
                    None,
                    Some(error),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

pub async fn export(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        ctx.require_operator()?;
        let all = procedures::all(&state.store).await?;
        let bytes = (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name(SHEET)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in COLUMNS.iter().chain(["valid_to"].iter()).enumerate() {
                sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, p) in all.iter().enumerate() {
                let fields = fields_of(p);
                for (c, k) in COLUMNS.iter().chain(["valid_to"].iter()).enumerate() {
                    let value = fields.get(*k).map(String::as_str).unwrap_or("");
                    sheet.write_string(r as u32 + 1, c as u16, value)?;
                }
            }
            book.save_to_buffer()
        })()
        .map_err(|e| PageError::Internal(e.to_string()))?;
        Ok(xlsx_response("thu-tuc-hanh-chinh.xlsx", bytes))
    }
    .await;
    respond(&ctx, result)
}

/// Reads the sheet: every row checked; the procedures, or the numbers of bad rows
/// (`[0]`: not a readable workbook).
pub fn read(bytes: &[u8]) -> Result<Vec<Procedure>, Vec<usize>> {
    let Ok(mut book) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) else {
        return Err(vec![0]);
    };
    let range = match book.worksheet_range(SHEET) {
        Ok(r) => r,
        Err(_) => match book.worksheet_range_at(0) {
            Some(Ok(r)) => r,
            _ => return Err(vec![0]),
        },
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(vec![0]);
    };
    let names: Vec<String> = header
        .iter()
        .map(|c| c.to_string().trim().to_string())
        .collect();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, row) in rows.enumerate() {
        let mut fields = HashMap::new();
        for (name, cell) in names.iter().zip(row) {
            let text = match cell {
                Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                Data::Empty => String::new(),
                other => other.to_string(),
            };
            fields.insert(name.clone(), text);
        }
        if fields.values().all(|v| v.trim().is_empty()) {
            continue;
        }
        match check(&fields) {
            Ok(p) => out.push(p),
            Err(_) => bad.push(i + 2),
        }
    }
    if bad.is_empty() { Ok(out) } else { Err(bad) }
}

pub async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let mut bytes = Vec::new();
        if let Ok(mut form) = form {
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some("file") {
                    bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                }
            }
        }
        let fail = |message: String| {
            page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                HashMap::new(),
                None,
                Some(message),
            )
        };
        let list = match read(&bytes) {
            Ok(list) => list,
            Err(lines) if lines == [0] => {
                return fail(ctx.t.get("staffing.import_unreadable").to_string()).await;
            }
            Err(lines) => {
                let rows: Vec<String> = lines.iter().map(usize::to_string).collect();
                return fail(ctx.t.fill(
                    "staffing.import_bad_rows",
                    [("rows", rows.join(", ").as_str())],
                ))
                .await;
            }
        };
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        for p in &list {
            procedures::upsert(&mut tx, p, Some(actor), root.id).await?;
        }
        tx.commit().await?;
        let done = ctx.t.fill(
            "procedures.imported",
            [("n", list.len().to_string().as_str())],
        );
        page(
            &state,
            &ctx,
            StatusCode::OK,
            HashMap::new(),
            Some(done),
            None,
        )
        .await
    }
    .await;
    respond(&ctx, result)
}
