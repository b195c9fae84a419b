//! Taking in a report (Open311 POST or the portal's form): every problem named at once,
//! then routing by place and category, the deadline from the calendar, the reporter's
//! contact sealed, the work item created with its audit entry.

use super::arg;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use dieuhanh_core::geography::Coordinate;
use dieuhanh_core::open311::{self as rules, Answers};
use dieuhanh_core::workflow::CITIZEN_REPORT;
use dieuhanh_store::attachments::{NewAttachment, Owner};
use dieuhanh_store::citizen::{self, NewReport, PublicReport};

/// A reason a report is refused: its status and a translated message.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    key: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(status: StatusCode, key: &'static str) -> Problem {
        Problem {
            status,
            key,
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Problem {
        self.args.push((name, value.into()));
        self
    }

    /// The message in a language (Open311 answers in Vietnamese, the portal in the
    /// visitor's).
    pub fn text(&self, t: &crate::i18n::Tr) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        t.fill(self.key, args)
    }
}

/// An uploaded photo: (file name, bytes).
pub type Media = Option<(String, Vec<u8>)>;

/// The fields of a form-encoded or multipart body, and the `media` file if any.
pub async fn read_body(
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(Vec<(String, String)>, Media), String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        use axum::extract::FromRequest;
        let request = axum::http::Request::builder()
            .header(header::CONTENT_TYPE, content_type)
            .body(axum::body::Body::from(body))
            .map_err(|_| "The multipart body cannot be read.".to_string())?;
        let mut form = axum::extract::Multipart::from_request(request, &())
            .await
            .map_err(|_| "The multipart body cannot be read.".to_string())?;
        let mut fields = Vec::new();
        let mut media = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| "The multipart body cannot be read.".to_string())?
        {
            let name = field.name().unwrap_or("").to_string();
            if name == "media" && field.file_name().is_some() {
                let file_name = field.file_name().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "The media file cannot be read.".to_string())?;
                if !bytes.is_empty() {
                    media = Some((file_name, bytes.to_vec()));
                }
            } else {
                let value = field
                    .text()
                    .await
                    .map_err(|_| format!("The field {name} is not UTF-8 text."))?;
                fields.push((name, value));
            }
        }
        Ok((fields, media))
    } else if body.is_empty() {
        Ok((Vec::new(), None))
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .map(|f| (f, None))
            .map_err(|_| {
                "Send the request as application/x-www-form-urlencoded (UTF-8) or multipart/form-data."
                    .to_string()
            })
    }
}

/// `attribute[CODE]=v` and `attribute[CODE][]=v` (repeated) as answers.
fn answers(fields: &[(String, String)]) -> Answers {
    let mut out = Answers::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("attribute[") else {
            continue;
        };
        let code = rest
            .strip_suffix("][]")
            .or_else(|| rest.strip_suffix(']'))
            .unwrap_or("");
        if !code.is_empty() {
            out.entry(code.to_string()).or_default().push(v.clone());
        }
    }
    out
}

fn coordinate(fields: &[(String, String)]) -> Result<Option<(f64, f64)>, Problem> {
    let lat = arg(fields, "lat");
    let lon = arg(fields, "long")
        .or_else(|| arg(fields, "lon"))
        .or_else(|| arg(fields, "lng"));
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => {
            let parsed = a.parse::<f64>().ok().zip(b.parse::<f64>().ok());
            match parsed.and_then(|(a, b)| Coordinate::new(a, b).ok().map(|_| (a, b))) {
                Some(p) => Ok(Some(p)),
                None => Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "open311.err.coordinates",
                )),
            }
        }
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "open311.err.lat_long",
        )),
    }
}

/// Where a report comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// An Open311 client: an `api_key` field is required.
    Open311,
    /// The public portal, by a visitor or a signed-in person.
    Portal { user: Option<i64> },
}

/// Checks, routes and records a report. Problems are returned together (spec §12).
pub async fn create(
    state: &AppState,
    fields: &[(String, String)],
    media: Media,
    source: Source,
) -> Result<PublicReport, Vec<Problem>> {
    let bad = |key: &'static str| Problem::new(StatusCode::BAD_REQUEST, key);
    let internal = |e: dieuhanh_store::StoreError| {
        tracing::error!(error = %e, "open311 intake failed");
        vec![bad("open311.err.unavailable")]
    };
    // The key first: without a valid one nothing else is looked at (403).
    let (key_id, channel, created_by) = match source {
        Source::Open311 => {
            let key = match arg(fields, "api_key") {
                Some(k) => citizen::key_id(&state.store, k).await.map_err(internal)?,
                None => None,
            };
            let Some(key_id) = key else {
                return Err(vec![Problem::new(
                    StatusCode::FORBIDDEN,
                    "open311.err.api_key",
                )]);
            };
            if state.key_throttle.check(key_id).is_err() {
                return Err(vec![Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "open311.err.rate",
                )]);
            }
            (Some(key_id), "open311", None)
        }
        Source::Portal { user } => (None, "portal", user),
    };
    let Some(code) = arg(fields, "service_code") else {
        return Err(vec![bad("open311.err.service_code")]);
    };
    let service = match citizen::service(&state.store, code).await {
        Ok(s) => s,
        Err(dieuhanh_store::StoreError::NotFound) => {
            return Err(vec![
                Problem::new(StatusCode::NOT_FOUND, "open311.err.unknown_service")
                    .with("code", code),
            ]);
        }
        Err(e) => return Err(internal(e)),
    };
    let mut problems = Vec::new();
    let point = coordinate(fields).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let address = arg(fields, "address_string").unwrap_or("");
    let address_id = arg(fields, "address_id").unwrap_or("");
    if point.is_none() && address.is_empty() && address_id.is_empty() && problems.is_empty() {
        problems.push(bad("open311.err.location"));
    }
    if address.chars().count() > 500 || address_id.chars().count() > 100 {
        problems.push(bad("open311.err.address"));
    }
    let description = arg(fields, "description").unwrap_or("");
    if description.chars().count() > rules::MAX_DESCRIPTION {
        problems.push(bad("open311.err.description"));
    }
    let media_url = arg(fields, "media_url").unwrap_or("");
    if !media_url.is_empty()
        && (media_url.len() > 1000
            || !(media_url.starts_with("https://") || media_url.starts_with("http://")))
    {
        problems.push(bad("open311.err.media_url"));
    }
    let kept = match rules::check_answers(&service.attributes, &answers(fields)) {
        Ok(a) => a,
        Err(list) => {
            problems.extend(list.into_iter().map(|(code, p)| {
                let key = match p {
                    rules::AnswerProblem::Required => "open311.err.attribute_required",
                    rules::AnswerProblem::Invalid => "open311.err.attribute_invalid",
                };
                bad(key)
                    .with("code", code)
                    .with("service", service.code.clone())
            }));
            Answers::new()
        }
    };
    let contact: Vec<(&str, &str)> = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "device_id",
        "account_id",
    ]
    .into_iter()
    .filter_map(|k| arg(fields, k).map(|v| (k, v)))
    .collect();
    if !service.anonymous_allowed && !contact.iter().any(|(k, _)| matches!(*k, "email" | "phone")) {
        problems.push(bad("open311.err.anonymous").with("code", service.code.clone()));
    }
    if contact.iter().any(|(_, v)| v.chars().count() > 200) {
        problems.push(bad("open311.err.contact"));
    }
    let accepted_media = match &media {
        Some((name, bytes)) => match dieuhanh_core::files::accept(name, bytes.len()) {
            Ok(a) if a.content_type.starts_with("image/") => Some(a),
            _ => {
                problems.push(bad("open311.err.media"));
                None
            }
        },
        None => None,
    };
    // Routing: the category's department, else the unit containing the point, else the
    // city's triage office.
    let triage = crate::obstacles::coordinating_office(&state.store)
        .await
        .map_err(internal)?;
    let mut unit_id = triage.id;
    if let Some((lat, lon)) = point {
        let located = state.geography.as_ref().and_then(|g| {
            Coordinate::new(lat, lon)
                .ok()
                .and_then(|c| g.index.locate(c).map(str::to_string))
        });
        match located {
            Some(code) => {
                unit_id = dieuhanh_store::units::by_code(&state.store, &code)
                    .await
                    .map_err(internal)?
                    .id
            }
            None => problems.push(bad("open311.err.outside")),
        }
    }
    if let Some(department) = service.department_unit_id {
        unit_id = department;
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let today = crate::direction::today();
    let due = state
        .calendar()
        .add_working_days(today, service.deadline_days as u32)
        .map_err(|_| vec![bad("open311.err.calendar")])?;
    let sealed = (!contact.is_empty()).then(|| {
        let json = serde_json::Value::Object(
            contact
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect(),
        );
        state
            .keys
            .seal(json.to_string().as_bytes(), CONTACT_CONTEXT)
    });
    let mut tx = state.store.begin().await.map_err(internal)?;
    let (item_id, _public_id) = citizen::create(
        &mut tx,
        &NewReport {
            unit_id,
            issuer_unit_id: triage.id,
            service: &service,
            lat_lon: point,
            address,
            address_id,
            description,
            answers: &kept,
            media_url,
            contact_sealed: sealed.as_deref(),
            api_key_id: key_id,
            channel,
            due_date: &due.to_string(),
            created_by,
            initial_state: CITIZEN_REPORT.initial,
        },
    )
    .await
    .map_err(internal)?;
    if let (Some(accepted), Some((_, bytes))) = (accepted_media, &media) {
        let id = dieuhanh_store::attachments::add(
            &mut tx,
            &NewAttachment {
                unit_id,
                owner: Owner::Item(item_id),
                file_name: &accepted.name,
                content_type: accepted.content_type,
                content: bytes,
                uploaded_by: None,
            },
        )
        .await
        .map_err(internal)?;
        let url = format!("{}/open311/media/{id}", state.config.mailer.public_url);
        citizen::set_media_url(&mut tx, item_id, &url)
            .await
            .map_err(internal)?;
    }
    tx.commit()
        .await
        .map_err(|e| internal(dieuhanh_store::StoreError::Db(e)))?;
    citizen::by_item(&state.store, item_id)
        .await
        .map_err(internal)
}

/// Sealing context of a reporter's contact details.
pub const CONTACT_CONTEXT: &str = "citizen_report.contact";
