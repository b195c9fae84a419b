//! Attached files (a directive's signed document, evidence of progress, an obstacle's
//! papers): which files are accepted and under what name. No I/O.

/// Largest file accepted, in bytes (10 MiB: a scanned multi-page document).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Accepted kinds, by extension, with the type they are served as. Office documents,
/// PDF, images and plain tables: what a ward's office produces and scans. Anything a
/// browser would run (HTML, SVG, scripts) is refused.
const KINDS: [(&str, &str); 12] = [
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    /// No name, or a name of over 200 characters.
    BadName,
    /// Not one of the accepted kinds.
    Kind,
}

impl FileProblem {
    pub fn code(self) -> &'static str {
        match self {
            FileProblem::Empty => "file_empty",
            FileProblem::TooLarge => "file_too_large",
            FileProblem::BadName => "file_name",
            FileProblem::Kind => "file_kind",
        }
    }
}

/// An accepted file's clean name and the content type it is served with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub name: String,
    pub content_type: &'static str,
}

/// Checks an upload: keeps only the last path segment of the name the browser sent,
/// drops control characters and quotes (the name goes into a header), and accepts the
/// known kinds only.
pub fn accept(name: &str, size: usize) -> Result<Accepted, FileProblem> {
    if size == 0 {
        return Err(FileProblem::Empty);
    }
    if size > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .collect::<String>()
        .trim()
        .to_string();
    if clean.is_empty() || clean.chars().count() > 200 || clean.starts_with('.') {
        return Err(FileProblem::BadName);
    }
    let extension = clean
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .ok_or(FileProblem::Kind)?;
    let content_type = KINDS
        .iter()
        .find(|(e, _)| *e == extension)
        .map(|(_, t)| *t)
        .ok_or(FileProblem::Kind)?;
    Ok(Accepted {
        name: clean,
        content_type,
    })
}

/// The name as an RFC 5987 `filename*` value for `Content-Disposition` (UTF-8,
/// percent-encoded), with a plain ASCII fallback.
pub fn content_disposition(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Vietnamese letters lose their marks (ế → e, đ → d); anything else non-ASCII is `_`.
    let ascii: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_documents_and_scans_are_accepted_under_their_own_name() {
        let a = accept("C:\\Users\\canbo\\Báo cáo tiến độ.PDF", 1000).unwrap();
        assert_eq!(a.name, "Báo cáo tiến độ.PDF");
        assert_eq!(a.content_type, "application/pdf");
        assert_eq!(
            accept("anh/hien-truong.jpg", 5).unwrap().content_type,
            "image/jpeg"
        );
    }

    #[test]
    fn what_a_browser_would_run_or_a_header_would_break_is_refused() {
        assert_eq!(accept("trang.html", 10), Err(FileProblem::Kind));
        assert_eq!(accept("hinh.svg", 10), Err(FileProblem::Kind));
        assert_eq!(accept("khong-duoi", 10), Err(FileProblem::Kind));
        assert_eq!(accept(".pdf", 10), Err(FileProblem::BadName));
        assert_eq!(accept("", 10), Err(FileProblem::BadName));
        assert_eq!(accept("a.pdf", 0), Err(FileProblem::Empty));
        assert_eq!(
            accept("a.pdf", MAX_FILE_BYTES + 1),
            Err(FileProblem::TooLarge)
        );
        let a = accept("bao\"cao;\r\n.pdf", 1).unwrap();
        assert_eq!(a.name, "baocao.pdf");
    }

    #[test]
    fn names_travel_in_headers_safely() {
        let h = content_disposition("Kế hoạch số 1.pdf");
        assert!(h.starts_with("attachment; filename=\"Ke hoach so 1.pdf\""));
        assert!(h.contains("filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%201.pdf"));
        assert!(h.is_ascii());
    }
}
