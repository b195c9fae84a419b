//! Vietnamese text folding for search.
//!
//! Search must ignore case and diacritics, and `đ`/`Đ` must fold to `d` even though
//! U+0111 has no Unicode decomposition (so NFD alone leaves it in place).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises user input to NFC: Vietnamese arrives precomposed or decomposed
/// depending on the keyboard and operating system.
pub fn nfc(input: &str) -> String {
    input.nfc().collect()
}

/// Folds text for matching: NFKD, drop combining marks, đ→d, lowercase, and collapse
/// runs of whitespace to one space.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Escapes `%`, `_` and `\` so a folded query can be used inside a SQL `LIKE` pattern
/// with `ESCAPE '\'`.
pub fn like_escape(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 2);
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Phường Bến Thành"), "phuong ben thanh");
        assert_eq!(fold("Xã Đông Thạnh"), "xa dong thanh");
        assert_eq!(fold("ĐƯỜNG  Lê   Lợi"), "duong le loi");
        assert_eq!(fold("  Hồ sơ đất đai "), "ho so dat dai");
    }

    #[test]
    fn decomposed_and_precomposed_fold_alike() {
        let precomposed = "Đặc khu Côn Đảo";
        let decomposed: String = precomposed.nfd().collect();
        assert_ne!(precomposed, decomposed);
        assert_eq!(fold(precomposed), fold(&decomposed));
    }

    #[test]
    fn like_escape_escapes_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn fold_has_no_marks_and_no_d_stroke(s in "[a-zA-ZđĐàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệ ìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]{0,40}") {
            let folded = fold(&s);
            prop_assert!(!folded.chars().any(|c| is_combining_mark(c) || c == 'đ' || c == 'Đ'));
            prop_assert!(folded.is_ascii());
        }

        #[test]
        fn nfc_and_nfd_fold_alike(s in "\\PC{0,40}") {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfc(&s)), fold(&nfd));
        }
    }
}
