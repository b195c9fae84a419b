//! Security primitives used by the HTTP edge: password hashing, TOTP, secret sealing,
//! random tokens, CSRF tokens, login throttling and response headers.

pub mod csrf;
pub mod headers;
pub mod keys;
pub mod passwords;
pub mod rotation;
pub mod throttle;
pub mod totp;

use sha2::{Digest, Sha256};

/// A fresh 256-bit random token, hex encoded (cookies and API tokens).
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What is stored instead of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two byte strings.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
