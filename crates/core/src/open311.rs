//! Citizen reports as Open311 GeoReport v2 describes them (spec
//! `open311-georeport-v2.md`): service attributes and how a POST's answers are checked,
//! the date window of a query, and the public status of a report. No I/O.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Datatypes of a service attribute (spec §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

impl Datatype {
    pub fn as_str(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Datetime => "datetime",
            Datatype::Text => "text",
            Datatype::Singlevaluelist => "singlevaluelist",
            Datatype::Multivaluelist => "multivaluelist",
        }
    }

    pub fn is_list(self) -> bool {
        matches!(self, Datatype::Singlevaluelist | Datatype::Multivaluelist)
    }
}

/// One extra question of a service (spec §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub code: String,
    /// False: an informational note, no input.
    pub variable: bool,
    pub datatype: Datatype,
    pub required: bool,
    #[serde(default)]
    pub datatype_description: String,
    pub order: u32,
    pub description: String,
    /// For list datatypes: (key, name).
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

/// What a POST sent for the attributes: `attribute[CODE]` once, or
/// `attribute[CODE][]` repeated for a multi-value list.
pub type Answers = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerProblem {
    Required,
    Invalid,
}

/// Checks the answers against the attributes; every problem is named with its attribute
/// code, so they can all be reported at once (spec §12). Answers to unknown codes are
/// ignored; empty answers count as absent (spec §2).
pub fn check_answers(
    attributes: &[Attribute],
    answers: &Answers,
) -> Result<Answers, Vec<(String, AnswerProblem)>> {
    let mut kept = Answers::new();
    let mut problems = Vec::new();
    for a in attributes.iter().filter(|a| a.variable) {
        let given: Vec<String> = answers
            .get(&a.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if given.is_empty() {
            if a.required {
                problems.push((a.code.clone(), AnswerProblem::Required));
            }
            continue;
        }
        let valid = match a.datatype {
            Datatype::Singlevaluelist => {
                given.len() == 1 && a.values.iter().any(|(k, _)| *k == given[0])
            }
            Datatype::Multivaluelist => given.iter().all(|g| a.values.iter().any(|(k, _)| k == g)),
            Datatype::Number => {
                given.len() == 1 && given[0].parse::<f64>().is_ok_and(f64::is_finite)
            }
            Datatype::Datetime => given.len() == 1 && given[0].parse::<jiff::Timestamp>().is_ok(),
            Datatype::String | Datatype::Text => {
                given.len() == 1 && given[0].chars().count() <= 4000
            }
        };
        if valid {
            kept.insert(a.code.clone(), given);
        } else {
            problems.push((a.code.clone(), AnswerProblem::Invalid));
        }
    }
    if problems.is_empty() {
        Ok(kept)
    } else {
        Err(problems)
    }
}

/// Longest description a report may carry (spec §8).
pub const MAX_DESCRIPTION: usize = 4000;

/// The longest window a query may span, and its default (spec §10).
pub const WINDOW_DAYS: i64 = 90;
/// Most requests a query returns without paging (spec §10).
pub const DEFAULT_CAP: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowError {
    /// Start after end.
    Reversed,
    /// Longer than 90 days.
    TooLong,
}

/// The `[start, end]` window of `GET /requests` (microseconds), by the spec's
/// recommended rules: neither date ⇒ the last 90 days; only start ⇒ 90 days from it (not
/// past now); only end ⇒ the 90 days before it; both ⇒ as given, at most 90 days.
pub fn window(start: Option<i64>, end: Option<i64>, now: i64) -> Result<(i64, i64), WindowError> {
    let span = WINDOW_DAYS * 86_400_000_000;
    let (s, e) = match (start, end) {
        (None, None) => (now - span, now),
        (Some(s), None) => (s, (s + span).min(now.max(s))),
        (None, Some(e)) => (e - span, e),
        (Some(s), Some(e)) => (s, e),
    };
    if s > e {
        return Err(WindowError::Reversed);
    }
    if e - s > span {
        return Err(WindowError::TooLong);
    }
    Ok((s, e))
}

/// The public status of a report in the standard's two values (spec §13).
pub fn public_status(state: &str) -> &'static str {
    match state {
        "resolved" | "closed" | "rejected" => "closed",
        _ => "open",
    }
}

/// The public id of report number `n` received in `year`: `PA-2026-000123`.
pub fn public_id(year: i16, n: i64) -> String {
    format!("PA-{year}-{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes() -> Vec<Attribute> {
        vec![
            Attribute {
                code: "NOTE".into(),
                variable: false,
                datatype: Datatype::String,
                required: false,
                datatype_description: String::new(),
                order: 1,
                description: "Gọi đường dây nóng nếu khẩn cấp".into(),
                values: vec![],
            },
            Attribute {
                code: "DEPTH".into(),
                variable: true,
                datatype: Datatype::Singlevaluelist,
                required: true,
                datatype_description: String::new(),
                order: 2,
                description: "Mức ngập".into(),
                values: vec![
                    ("ANKLE".into(), "Mắt cá".into()),
                    ("KNEE".into(), "Đầu gối".into()),
                ],
            },
            Attribute {
                code: "KIND".into(),
                variable: true,
                datatype: Datatype::Multivaluelist,
                required: false,
                datatype_description: String::new(),
                order: 3,
                description: "Ảnh hưởng".into(),
                values: vec![
                    ("ROAD".into(), "Đường".into()),
                    ("HOUSE".into(), "Nhà dân".into()),
                ],
            },
        ]
    }

    fn answers(pairs: &[(&str, &[&str])]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn answers_are_checked_and_every_problem_named() {
        let ok = check_answers(
            &attributes(),
            &answers(&[
                ("DEPTH", &["KNEE"]),
                ("KIND", &["ROAD", "HOUSE"]),
                ("X", &["?"]),
            ]),
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        let problems = check_answers(
            &attributes(),
            &answers(&[("DEPTH", &[""]), ("KIND", &["CAR"])]),
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("DEPTH".to_string(), AnswerProblem::Required),
                ("KIND".to_string(), AnswerProblem::Invalid)
            ]
        );
        assert!(check_answers(&attributes(), &answers(&[("DEPTH", &["ANKLE", "KNEE"])])).is_err());
    }

    #[test]
    fn the_query_window_follows_the_recommended_rules() {
        let day = 86_400_000_000i64;
        let now = 1_000 * day;
        assert_eq!(window(None, None, now), Ok((now - 90 * day, now)));
        assert_eq!(
            window(Some(now - 10 * day), None, now),
            Ok((now - 10 * day, now))
        );
        assert_eq!(
            window(Some(now - 200 * day), None, now),
            Ok((now - 200 * day, now - 110 * day))
        );
        assert_eq!(
            window(None, Some(now - day), now),
            Ok((now - 91 * day, now - day))
        );
        assert_eq!(
            window(Some(now), Some(now - day), now),
            Err(WindowError::Reversed)
        );
        assert_eq!(
            window(Some(now - 91 * day), Some(now), now),
            Err(WindowError::TooLong)
        );
    }

    #[test]
    fn statuses_and_ids_are_public_forms() {
        assert_eq!(public_status("in_progress"), "open");
        assert_eq!(public_status("resolved"), "closed");
        assert_eq!(public_id(2026, 123), "PA-2026-000123");
    }
}
