//! Secrets that never print, and sealing of credentials at rest (ChaCha20-Poly1305).

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::Key as XKey;
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, XChaCha20Poly1305, XNonce};
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

/// The column holding a tenant's sealed WhatsApp access token, named the same in
/// every backend's registry (`tenants.whatsapp_access_token`); it is also the
/// associated data's column name given to [`Keyring`], so a ciphertext opens only there.
pub const TOKEN_COLUMN: &str = "tenants.whatsapp_access_token";

/// Seals and opens credentials with a 32-byte key. A sealed value is
/// `v1:` + base64(nonce ‖ ciphertext ‖ tag), so the key can be rotated later by version.
///
/// The legacy format, without associated data: the backends seal with [`Keyring`];
/// a `Sealer` still opens what the embedded store wrote before it did.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
    /// Kept so that [`Keyring::from`] can build the same key's keyring.
    key: [u8; 32],
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
            key: *key,
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

/// Seals credentials at rest for the server backends, with key rotation and binding.
///
/// A sealed value is bytes: version (`1`), key id (1..=255), a 24-byte random nonce,
/// then the XChaCha20-Poly1305 ciphertext and tag. The associated data names the
/// tenant id and the column, so a ciphertext copied to another tenant's row (or
/// another column) does not open. Several keys may be held for rotation; the first
/// configured is the active one that seals, and any of them opens.
///
/// Each key also opens values in the legacy [`Sealer`] format ([`Keyring::open_legacy`]),
/// which the embedded store wrote before it sealed with a keyring.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<(u8, XChaCha20Poly1305)>,
    active: u8,
    /// The same keys as `Sealer`s, in the same order.
    legacy: Vec<Sealer>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<u8> = self.keys.iter().map(|(id, _)| *id).collect();
        write!(
            f,
            "Keyring(active {}, ids {ids:?}, [redacted])",
            self.active
        )
    }
}

const SEALED_VERSION: u8 = 1;
const XNONCE_LEN: usize = 24;

fn key_error(message: impl Into<String>) -> Error {
    Error::field("RATIBA_ENCRYPTION_KEY", message)
}

impl Keyring {
    /// One key, with id 1.
    pub fn single(key: &[u8; 32]) -> Self {
        Self {
            keys: vec![(1, XChaCha20Poly1305::new(XKey::from_slice(key)))],
            active: 1,
            legacy: vec![Sealer::new(key)],
        }
    }

    /// Parses `RATIBA_ENCRYPTION_KEY`: one base64 key (id 1), or a comma-separated
    /// list of `ID:BASE64` entries (ids 1..=255) whose first entry is the active key.
    pub fn parse(text: &str) -> Result<Self> {
        let entries: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if entries.is_empty() {
            return Err(key_error("is empty: give one base64 key, or ID:BASE64,..."));
        }
        let mut keys: Vec<(u8, XChaCha20Poly1305)> = Vec::with_capacity(entries.len());
        let mut legacy = Vec::with_capacity(entries.len());
        for entry in &entries {
            let (id, b64) = match entry.split_once(':') {
                Some((id, b64)) => {
                    let id: u8 = id.trim().parse().ok().filter(|i| *i > 0).ok_or_else(|| {
                        key_error(format!("key id '{id}' must be a number from 1 to 255"))
                    })?;
                    (id, b64)
                }
                None if entries.len() == 1 => (1, *entry),
                None => return Err(key_error("with several keys, write each as ID:BASE64")),
            };
            let bytes = B64.decode(b64.trim()).map_err(|_| {
                key_error(format!(
                    "key {id} must be 32 bytes in base64 (44 characters)"
                ))
            })?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| {
                key_error(format!(
                    "key {id} must be 32 bytes in base64 (44 characters)"
                ))
            })?;
            if keys.iter().any(|(have, _)| *have == id) {
                return Err(key_error(format!("key id {id} is given twice")));
            }
            keys.push((id, XChaCha20Poly1305::new(XKey::from_slice(&key))));
            legacy.push(Sealer::new(&key));
        }
        let active = keys[0].0;
        Ok(Self {
            keys,
            active,
            legacy,
        })
    }

    /// The id of the key that seals.
    pub fn active_key_id(&self) -> u8 {
        self.active
    }

    /// The key id a sealed value was made with, if it is one of ours.
    pub fn key_id_of(sealed: &[u8]) -> Option<u8> {
        match sealed {
            [SEALED_VERSION, id, ..] => Some(*id),
            _ => None,
        }
    }

    fn associated_data(tenant_id: &str, column: &str) -> Vec<u8> {
        let mut ad = b"ratiba/credential/v1\0".to_vec();
        ad.extend_from_slice(tenant_id.as_bytes());
        ad.push(0);
        ad.extend_from_slice(column.as_bytes());
        ad
    }

    /// Seals `secret` for `column` of tenant `tenant_id` with the active key.
    pub fn seal(&self, secret: &Secret, tenant_id: &str, column: &str) -> Result<Vec<u8>> {
        let cipher = self
            .keys
            .iter()
            .find(|(id, _)| *id == self.active)
            .map(|(_, c)| c)
            .ok_or_else(|| Error::backend("the active encryption key is missing"))?;
        let mut nonce = [0u8; XNONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ad = Self::associated_data(tenant_id, column);
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.expose().as_bytes(),
                    aad: &ad,
                },
            )
            .map_err(|_| Error::backend("could not seal a credential"))?;
        let mut out = Vec::with_capacity(2 + XNONCE_LEN + ciphertext.len());
        out.push(SEALED_VERSION);
        out.push(self.active);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Opens a value sealed for `column` of tenant `tenant_id`. Fails when the key
    /// is not configured, or the value belongs to another tenant or column.
    pub fn open(&self, sealed: &[u8], tenant_id: &str, column: &str) -> Result<Secret> {
        let wrong = || {
            Error::backend(format!(
                "the stored {column} of tenant {tenant_id} cannot be opened with the configured keys"
            ))
        };
        let Some(key_id) = Self::key_id_of(sealed) else {
            return Err(wrong());
        };
        if sealed.len() < 2 + XNONCE_LEN + 16 {
            return Err(wrong());
        }
        let cipher = self
            .keys
            .iter()
            .find(|(id, _)| *id == key_id)
            .map(|(_, c)| c)
            .ok_or_else(|| {
                Error::backend(format!(
                    "the stored {column} of tenant {tenant_id} is sealed with key {key_id}, \
                     which RATIBA_ENCRYPTION_KEY does not hold"
                ))
            })?;
        let (nonce, ciphertext) = sealed[2..].split_at(XNONCE_LEN);
        let ad = Self::associated_data(tenant_id, column);
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &ad,
                },
            )
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map(Secret).map_err(|_| wrong())
    }

    /// Opens a value in the legacy [`Sealer`] format (`v1:` + base64, no associated
    /// data) with whichever of the ring's keys sealed it. Only for values written
    /// before their store sealed with a keyring: they are bound to no tenant.
    pub fn open_legacy(&self, sealed: &str) -> Result<Secret> {
        self.legacy
            .iter()
            .find_map(|sealer| sealer.open(sealed).ok())
            .ok_or_else(|| {
                Error::backend(
                    "a stored credential in the legacy format cannot be opened with the configured keys",
                )
            })
    }
}

/// The keyring of one key, the sealer's, with id 1: what `Keyring::parse` makes of
/// the same key in base64.
impl From<&Sealer> for Keyring {
    fn from(sealer: &Sealer) -> Self {
        Keyring::single(&sealer.key)
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

    #[test]
    fn keyring_binds_tenant_and_column() {
        let ring = Keyring::parse(&Sealer::generate_key()).expect("key");
        let sealed = ring
            .seal(&Secret::new("EAAG-token"), "t1", "whatsapp_access_token")
            .expect("seal");
        assert_eq!(sealed[0], 1, "version byte");
        assert_eq!(Keyring::key_id_of(&sealed), Some(1));
        assert!(!sealed.windows(10).any(|w| w == b"EAAG-token"));
        let opened = ring
            .open(&sealed, "t1", "whatsapp_access_token")
            .expect("open");
        assert_eq!(opened.expose(), "EAAG-token");
        assert!(
            ring.open(&sealed, "t2", "whatsapp_access_token").is_err(),
            "other tenant"
        );
        assert!(
            ring.open(&sealed, "t1", "other_column").is_err(),
            "other column"
        );
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(ring.open(&tampered, "t1", "whatsapp_access_token").is_err());
        assert!(ring.open(b"", "t1", "whatsapp_access_token").is_err());
    }

    #[test]
    fn keyring_rotation() {
        let (old, new) = (Sealer::generate_key(), Sealer::generate_key());
        let before = Keyring::parse(&old).expect("one key");
        let sealed = before.seal(&Secret::new("tok"), "t", "c").expect("seal");
        let after = Keyring::parse(&format!("2:{new}, 1:{old}")).expect("two keys");
        assert_eq!(after.active_key_id(), 2);
        assert_eq!(
            after
                .open(&sealed, "t", "c")
                .expect("old key opens")
                .expose(),
            "tok"
        );
        let resealed = after.seal(&Secret::new("tok"), "t", "c").expect("seal");
        assert_eq!(Keyring::key_id_of(&resealed), Some(2));
        assert!(
            before.open(&resealed, "t", "c").is_err(),
            "key 2 unknown to the old ring"
        );
        assert!(
            Keyring::parse(&format!("{new},{old}")).is_err(),
            "ids needed"
        );
        assert!(
            Keyring::parse(&format!("1:{new},1:{old}")).is_err(),
            "ids unique"
        );
        assert!(Keyring::parse("0:abc").is_err());
        assert!(!format!("{after:?}").contains(&new));
    }

    #[test]
    fn keyring_opens_legacy_sealer_values() {
        let (old, new) = (Sealer::generate_key(), Sealer::generate_key());
        let sealer = Sealer::from_base64(&old).expect("key");
        let legacy = sealer.seal(&Secret::new("EAAG-legacy")).expect("seal");
        let from_sealer = Keyring::from(&sealer);
        assert_eq!(from_sealer.active_key_id(), 1);
        assert_eq!(
            from_sealer.open_legacy(&legacy).expect("open").expose(),
            "EAAG-legacy"
        );
        // The same key parsed as text is the same keyring.
        let sealed = from_sealer
            .seal(&Secret::new("tok"), "t", TOKEN_COLUMN)
            .expect("seal");
        let parsed = Keyring::parse(&old).expect("key");
        assert_eq!(
            parsed
                .open(&sealed, "t", TOKEN_COLUMN)
                .expect("open")
                .expose(),
            "tok"
        );
        // After rotation the old key, listed second, still opens legacy values.
        let rotated = Keyring::parse(&format!("2:{new},1:{old}")).expect("keys");
        assert_eq!(
            rotated.open_legacy(&legacy).expect("open").expose(),
            "EAAG-legacy"
        );
        let other = Keyring::parse(&new).expect("key");
        let err = other.open_legacy(&legacy).expect_err("other key");
        assert!(!err.to_string().contains("EAAG"), "{err}");
        assert!(parsed.open_legacy("garbage").is_err());
        assert!(!format!("{sealer:?}").contains(&old));
    }
}
