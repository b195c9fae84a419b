//! RFC 6238 time-based one-time passwords (30 s steps, 6 digits, SHA-1: what every
//! authenticator app understands). The step of an accepted code is stored so the same
//! code cannot be replayed.

use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "dieuhanh";

pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// The `otpauth://` URL an authenticator app scans.
pub fn provisioning_url(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account)?.to_url().ok()
}

/// The time step a valid code belongs to (one step of clock skew allowed either way).
pub fn check(secret_base32: &str, code: &str, unix_seconds: u64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret_base32, "user")?
        .check(code, unix_seconds)
        .and_then(|step| i64::try_from(step).ok())
}

/// The current code (tests and the CLI use it).
pub fn current_code(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    Some(
        totp(secret_base32, "user")?
            .generate(unix_seconds)
            .to_string(),
    )
}

/// A QR code of the provisioning URL as inline SVG markup (no external service).
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build(),
    )
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_within_a_step_and_not_beyond() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = current_code(&secret, now).unwrap();
        let step = check(&secret, &code, now).unwrap();
        assert_eq!(check(&secret, &code, now + 30), Some(step));
        assert_eq!(check(&secret, &code, now + 300), None);
        assert_eq!(check(&secret, "12345", now), None);
        assert_eq!(check(&secret, "abcdef", now), None);
        assert!(
            provisioning_url(&secret, "admin")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
        assert!(qr_svg("otpauth://totp/x").unwrap().contains("<svg"));
    }
}
