//! The Admin REST API transport: one admin token, cached and renewed before it
//! expires; a timeout on every call; retries with backoff where they are safe.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

use super::config::{KeycloakAuth, KeycloakConfig};
use crate::error::{Error, Result};
use crate::secrets::Secret;

/// How long a caller should wait before trying again when Keycloak is down.
const RETRY_AFTER: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// A reply worth looking at: its status and its body (JSON when there is one).
pub(super) struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Keycloak's own words about a refusal (`errorMessage` or `error`), for the message.
    pub fn detail(&self) -> String {
        self.body
            .get("errorMessage")
            .or_else(|| self.body.get("error"))
            .and_then(Value::as_str)
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    }
}

/// A failed call, and whether the request may have reached Keycloak. `reached`
/// is false when it certainly did not (no token, connection refused, or Keycloak
/// answered with a refusal): a POST that was never received created nothing.
pub(super) struct Failure {
    pub error: Error,
    pub reached: bool,
}

impl Failure {
    pub fn unsent(error: Error) -> Self {
        Self {
            error,
            reached: false,
        }
    }
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Self {
        f.error
    }
}

struct CachedToken {
    value: Secret,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

pub(super) struct AdminClient {
    http: reqwest::Client,
    base: Url,
    config: KeycloakConfig,
    token: Mutex<Option<CachedToken>>,
}

/// GET and DELETE (and the token call, which changes nothing) may be repeated;
/// a POST that reached Keycloak may not.
fn idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::DELETE | Method::HEAD)
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

impl AdminClient {
    pub fn new(config: KeycloakConfig) -> Result<Self> {
        let mut base = Url::parse(config.url.trim()).map_err(|e| {
            Error::field(
                "KEYCLOAK_URL",
                format!("'{}' is not a URL: {e}", config.url),
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(Error::field(
                "KEYCLOAK_URL",
                format!("'{}' must be an http(s) URL", config.url),
            ));
        }
        // Segments are appended to the base's path, so it must not end with '/'.
        if base.path().ends_with('/') {
            let trimmed = base.path().trim_end_matches('/').to_string();
            base.set_path(&trimmed);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| Error::backend("cannot build the HTTP client").with_source(e))?;
        Ok(Self {
            http,
            base,
            config,
            token: Mutex::new(None),
        })
    }

    pub fn config(&self) -> &KeycloakConfig {
        &self.config
    }

    /// `<base>/<segments...>`, each segment percent-encoded (a name never escapes its place).
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    fn unavailable(&self, err: &reqwest::Error, timeout: Duration) -> Error {
        let what = if err.is_timeout() {
            format!("did not answer within {} s", timeout.as_secs_f32())
        } else if err.is_connect() {
            "cannot be reached (down or still starting)".to_string()
        } else {
            "broke off the connection".to_string()
        };
        Error::unavailable(
            format!("Keycloak at {} {what}", self.config.url),
            Some(RETRY_AFTER),
        )
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config
            .retry_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(MAX_BACKOFF)
    }

    /// Reads a body as JSON; an empty or non-JSON body is `Null` (only used for details).
    async fn reply(resp: reqwest::Response) -> Reply {
        let status = resp.status();
        let body = match resp.bytes().await {
            Ok(bytes) if !bytes.is_empty() => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        Reply { status, body }
    }

    /// A fresh or cached admin token.
    async fn token(&self, force: bool) -> Result<Secret> {
        let mut cached = self.token.lock().await;
        if !force {
            if let Some(token) = cached.as_ref() {
                if Instant::now() < token.renew_at {
                    return Ok(token.value.clone());
                }
            }
        }
        let fetched_at = Instant::now();
        let reply = self.fetch_token().await?;
        let lifetime = Duration::from_secs(reply.expires_in.unwrap_or(60).max(1));
        // Renew well before expiry: a third of the lifetime early, at most 30 s.
        let margin = (lifetime / 3).min(Duration::from_secs(30));
        let value = Secret::new(reply.access_token);
        *cached = Some(CachedToken {
            value: value.clone(),
            renew_at: fetched_at + lifetime - margin,
        });
        Ok(value)
    }

    async fn fetch_token(&self) -> Result<TokenReply> {
        let url = self.url(&[
            "realms",
            &self.config.admin_realm,
            "protocol",
            "openid-connect",
            "token",
        ]);
        let form: Vec<(&str, &str)> = match &self.config.auth {
            KeycloakAuth::Password { username, password } => vec![
                ("grant_type", "password"),
                ("client_id", "admin-cli"),
                ("username", username),
                ("password", password.expose()),
            ],
            KeycloakAuth::ClientCredentials {
                client_id,
                client_secret,
            } => vec![
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", client_secret.expose()),
            ],
        };
        let mut attempt = 0;
        loop {
            let last = attempt >= self.config.retries;
            match self.http.post(url.clone()).form(&form).send().await {
                Err(e) => {
                    if last {
                        return Err(self
                            .unavailable(&e, self.config.request_timeout)
                            .with_source(e));
                    }
                }
                Ok(resp) if resp.status() == StatusCode::OK => {
                    let bytes = resp.bytes().await.map_err(|e| {
                        self.unavailable(&e, self.config.request_timeout)
                            .with_source(e)
                    })?;
                    return serde_json::from_slice(&bytes).map_err(|e| {
                        Error::backend("Keycloak's token reply has no access token").with_source(e)
                    });
                }
                Ok(resp) if retryable_status(resp.status()) && !last => {}
                Ok(resp) => {
                    let after = retry_after(resp.headers());
                    let reply = Self::reply(resp).await;
                    let realm = &self.config.admin_realm;
                    return Err(match reply.status.as_u16() {
                        400 | 401 | 403 => Error::backend(format!(
                            "Keycloak refused the admin login to realm '{realm}' (HTTP {}): \
                             check the admin user and password (or client credentials)",
                            reply.status.as_u16()
                        )),
                        404 => Error::backend(format!(
                            "Keycloak at {} has no realm '{realm}' to log in to",
                            self.config.url
                        )),
                        502..=504 => Error::unavailable(
                            format!(
                                "Keycloak at {} is unavailable (HTTP {})",
                                self.config.url,
                                reply.status.as_u16()
                            ),
                            after.or(Some(RETRY_AFTER)),
                        ),
                        code => Error::backend(format!(
                            "Keycloak's admin login failed (HTTP {code}){}",
                            reply.detail()
                        )),
                    });
                }
            }
            tokio::time::sleep(self.backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// One admin call. Returns whatever status Keycloak answered (the caller maps
    /// it), after retrying what is safe to retry; transport failures are `Unavailable`.
    pub async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<Reply, Failure> {
        let timeout = timeout.unwrap_or(self.config.request_timeout);
        let safe = idempotent(&method);
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            let token = self.token(false).await.map_err(Failure::unsent)?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose())
                .timeout(timeout);
            if let Some(body) = body {
                request = request.json(body);
            }
            let last = attempt >= self.config.retries;
            match request.send().await {
                Err(e) => {
                    // A refused connection never reached Keycloak: safe to repeat.
                    let reached = !e.is_connect();
                    if last || (reached && !safe) {
                        let mut error = self.unavailable(&e, timeout).with_source(e);
                        if reached && !safe {
                            error = error.context(format!(
                                "{method} {} may or may not have taken effect",
                                url.path()
                            ));
                        }
                        return Err(Failure { error, reached });
                    }
                }
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED && !refreshed => {
                    // A revoked or expired token (a restarted Keycloak): log in again, once.
                    refreshed = true;
                    self.token(true).await.map_err(Failure::unsent)?;
                    continue;
                }
                Ok(resp) if safe && retryable_status(resp.status()) && !last => {}
                Ok(resp) => {
                    let after = retry_after(resp.headers());
                    let reply = Self::reply(resp).await;
                    if matches!(reply.status.as_u16(), 502..=504) {
                        // A gateway's answer: Keycloak behind it may have acted.
                        return Err(Failure {
                            reached: true,
                            error: Error::unavailable(
                                format!(
                                    "Keycloak at {} is unavailable (HTTP {})",
                                    self.config.url,
                                    reply.status.as_u16()
                                ),
                                after.or(Some(RETRY_AFTER)),
                            ),
                        });
                    }
                    return Ok(reply);
                }
            }
            tokio::time::sleep(self.backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// Logs in (a fresh token): the cheapest proof that Keycloak is up and the credentials work.
    pub async fn login(&self) -> Result<()> {
        self.token(true).await.map(|_| ())
    }
}

/// A status the caller did not expect, as an error of the right kind.
pub(super) fn unexpected(what: &str, reply: &Reply) -> Error {
    let code = reply.status.as_u16();
    let detail = reply.detail();
    match code {
        401 | 403 => Error::backend(format!(
            "{what}: Keycloak refused the admin (HTTP {code}){detail}; \
             it needs the create-realm role and admin rights over the tenant realms"
        )),
        404 => Error::not_found(format!("{what}: not found (HTTP 404){detail}")),
        409 => Error::conflict(format!("{what}: conflict (HTTP 409){detail}")),
        _ => Error::backend(format!("{what}: Keycloak answered HTTP {code}{detail}")),
    }
}
