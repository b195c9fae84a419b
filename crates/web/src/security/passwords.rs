//! Argon2id password hashing, off the async runtime and bounded in concurrency (each
//! hash takes ~19 MiB; an unbounded login flood would become a memory flood).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Clone)]
pub struct PasswordHashing {
    params: Params,
    permits: Arc<Semaphore>,
    dummy: Arc<tokio::sync::OnceCell<String>>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("password too short")]
    TooShort,
    #[error("password too long")]
    TooLong,
    #[error("hashing failed")]
    Internal,
}

impl PasswordHashing {
    /// OWASP's minimum for Argon2id: m = 19 MiB, t = 2, p = 1.
    pub fn standard() -> Self {
        Self::with_params(Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters"))
    }

    /// Cheap parameters for tests only; hashes stay valid Argon2id PHC strings.
    pub fn for_tests() -> Self {
        Self::with_params(Params::new(256, 1, 1, None).expect("valid Argon2 parameters"))
    }

    fn with_params(params: Params) -> Self {
        PasswordHashing {
            params,
            permits: Arc::new(Semaphore::new(4)),
            dummy: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Checks the policy for a new password.
    pub fn check_policy(password: &str) -> Result<(), PasswordError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        Ok(())
    }

    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| PasswordError::Internal)?;
        let params = self.params.clone();
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            let salt: [u8; 16] = rand::random();
            Self::argon2(params)
                .hash_password_with_salt(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|_| PasswordError::Internal)
        })
        .await
        .map_err(|_| PasswordError::Internal)?
    }

    /// A hash of a random password with the current parameters: unknown accounts are
    /// checked against it so that response time does not reveal which accounts exist.
    pub async fn dummy_hash(&self) -> String {
        self.dummy
            .get_or_init(|| async {
                self.hash(&crate::security::random_token())
                    .await
                    .unwrap_or_default()
            })
            .await
            .clone()
    }

    /// Verifies with the parameters recorded in the hash itself.
    pub async fn verify(&self, password: &str, hash: &str) -> bool {
        if password.len() > MAX_PASSWORD_BYTES {
            return false;
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let password = password.to_string();
        let hash = hash.to_string();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = PasswordHashing::for_tests();
        let hash = h.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(h.verify("correct horse battery", &hash).await);
        assert!(!h.verify("wrong horse battery", &hash).await);
        assert!(!h.verify("x", "not a hash").await);
    }

    #[test]
    fn policy_rejects_short_and_huge_passwords() {
        assert_eq!(
            PasswordHashing::check_policy("short"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            PasswordHashing::check_policy(&"x".repeat(2000)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(PasswordHashing::check_policy("long enough pass"), Ok(()));
    }
}
