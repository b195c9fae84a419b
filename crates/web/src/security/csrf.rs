//! CSRF protection for HTML forms: a synchroniser token bound to the browser's session
//! (or, before login, to an anonymous cookie), checked by one middleware for every
//! unsafe request outside the bearer-token API, so no form can forget it. Requests a
//! browser marks as cross-site (`Sec-Fetch-Site`) are refused outright.

use super::constant_time_eq;
use super::keys::Keys;

/// Form field, header and query parameter names that carry the token.
pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

/// The token for a browser identified by `binding` (session or anonymous cookie value).
pub fn token_for(keys: &Keys, binding: &str) -> String {
    keys.csrf_mac(&format!("csrf:{binding}"))
}

pub fn verify(keys: &Keys, binding: &str, presented: &str) -> bool {
    !binding.is_empty()
        && constant_time_eq(token_for(keys, binding).as_bytes(), presented.as_bytes())
}

/// Extracts the token from an `application/x-www-form-urlencoded` body.
pub fn from_form_body(body: &[u8]) -> Option<String> {
    form_urlencoded_pairs(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_the_browser() {
        let keys = Keys::from_master(&[1; 32]);
        let t = token_for(&keys, "session-a");
        assert!(verify(&keys, "session-a", &t));
        assert!(!verify(&keys, "session-b", &t));
        assert!(!verify(&keys, "", &token_for(&keys, "")));
        assert_eq!(
            from_form_body(b"a=1&csrf=abc%20d"),
            Some("abc d".to_string())
        );
        assert_eq!(from_form_body(b"a=1"), None);
    }
}
