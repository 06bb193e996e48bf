//! Secrets that never print, and sealing of credentials at rest (ChaCha20-Poly1305).

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use crate::error::{Error, Result};

/// A secret string (an access token, a password, an API key). `Debug` shows
/// `Secret([redacted])`; there is no `Display` and no `Serialize`, so a secret
/// cannot reach a log line or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The only way to the value; grep for it when auditing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// Seals and opens credentials with a 32-byte key. A sealed value is
/// `v1:` + base64(nonce ‖ ciphertext ‖ tag), so the key can be rotated later by version.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer([redacted])")
    }
}

const PREFIX: &str = "v1:";

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        }
    }

    /// A key from its base64 text (as in `RATIBA_ENCRYPTION_KEY`).
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = B64.decode(text.trim()).map_err(|_| {
            Error::field(
                "RATIBA_ENCRYPTION_KEY",
                "must be 32 bytes in base64 (44 characters)",
            )
        })?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            Error::field(
                "RATIBA_ENCRYPTION_KEY",
                "must be 32 bytes in base64 (44 characters)",
            )
        })?;
        Ok(Self::new(&key))
    }

    /// A fresh random key in base64, for a new installation.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        B64.encode(key)
    }

    pub fn seal(&self, secret: &Secret) -> Result<String> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), secret.expose().as_bytes())
            .map_err(|_| Error::backend("could not seal a credential"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    pub fn open(&self, sealed: &str) -> Result<Secret> {
        let wrong =
            || Error::backend("a stored credential cannot be opened with this encryption key");
        let body = sealed.strip_prefix(PREFIX).ok_or_else(wrong)?;
        let bytes = B64.decode(body).map_err(|_| wrong())?;
        if bytes.len() < 12 {
            return Err(wrong());
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map(Secret).map_err(|_| wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("EAAG-very-secret");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert!(!format!("{:?}", Some(&s)).contains("EAAG"));
    }

    #[test]
    fn seal_round_trip_and_wrong_key() {
        let sealer = Sealer::from_base64(&Sealer::generate_key()).expect("key");
        let sealed = sealer.seal(&Secret::new("token")).expect("seal");
        assert!(!sealed.contains("token"));
        assert_eq!(sealer.open(&sealed).expect("open").expose(), "token");
        let other = Sealer::from_base64(&Sealer::generate_key()).expect("key");
        assert!(other.open(&sealed).is_err());
        assert!(sealer.open("garbage").is_err());
        assert!(Sealer::from_base64("short").is_err());
    }
}
