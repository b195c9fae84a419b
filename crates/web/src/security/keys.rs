//! Keys derived from the installation's master secret: one for CSRF tokens, one for
//! sealing secrets stored in the database (TOTP seeds).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Version byte of the sealed format: `v1:` ‖ hex(nonce ‖ ciphertext+tag).
const SEAL_PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct Keys {
    csrf: [u8; 32],
    seal: [u8; 32],
    anchor: [u8; 32],
    lookup: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as hmac::KeyInit>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Keys {
        Keys {
            csrf: derive(master, "dieuhanh csrf v1"),
            seal: derive(master, "dieuhanh seal v1"),
            anchor: derive(master, "dieuhanh audit anchor v1"),
            lookup: derive(master, "dieuhanh lookup v1"),
        }
    }

    /// The key that authenticates audit anchors.
    pub fn anchor_key(&self) -> &[u8; 32] {
        &self.anchor
    }

    /// HMAC-SHA256 of `message` under the CSRF key, hex encoded.
    pub fn csrf_mac(&self, message: &str) -> String {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.csrf)
            .expect("HMAC takes any key length");
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A keyed hash (HMAC-SHA256, hex) of a personal identifier, stored beside its sealed
    /// value so records can be found by exact match without decrypting any of them.
    pub fn lookup_hash(&self, value: &str) -> String {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.lookup)
            .expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts `plaintext`, bound to `context` (e.g. "totp:user:42") so a sealed value
    /// cannot be moved to another row.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let nonce_bytes: [u8; 24] = rand::random();
        let nonce = XNonce::from(nonce_bytes);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message of practical size");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{SEAL_PREFIX}{}", hex::encode(out))
    }

    /// Decrypts a value sealed with the same key and context.
    pub fn open(&self, sealed: &str, context: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed.strip_prefix(SEAL_PREFIX)?).ok()?;
        if bytes.len() < 24 + 16 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_context_and_key() {
        let keys = Keys::from_master(&[7; 32]);
        let sealed = keys.seal(b"secret", "totp:user:1");
        assert_eq!(
            keys.open(&sealed, "totp:user:1").as_deref(),
            Some(&b"secret"[..])
        );
        assert_eq!(keys.open(&sealed, "totp:user:2"), None);
        assert_eq!(
            Keys::from_master(&[8; 32]).open(&sealed, "totp:user:1"),
            None
        );
        assert_ne!(keys.seal(b"secret", "c"), keys.seal(b"secret", "c"));
        assert_eq!(keys.open("v1:zz", "c"), None);
    }
}
