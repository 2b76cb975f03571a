//! Access tokens (and a login's refresh token) kept between runs, one file per host, client id
//! and scope set, in the user's cache directory (`EXTAPPS_CACHE_DIR` overrides it).
//!
//! Files are created with mode 0600 inside a 0700 directory and written whole to a fresh
//! temporary file that is then renamed, so a token is never world-readable, not even for a
//! moment, and a reader never sees half a file.

use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use super::cache_dir::CACHE_DIR_ENV;
use super::cache_dir::CacheDir;

/// One cached token. The values never appear in Debug output.
#[derive(Clone)]
pub struct CachedToken {
    pub host: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub access_token: SecretString,
    pub expires_at: Timestamp,
    /// Set for a login; single-use, so it is replaced on every renewal.
    pub refresh_token: Option<SecretString>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("host", &self.host)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// The on-disk shape; exists only between a read or write and a `CachedToken`.
#[derive(Serialize, Deserialize)]
struct OnDisk {
    host: String,
    client_id: String,
    scopes: Vec<String>,
    access_token: String,
    expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

/// Which file a token lives in: host, client id, the scope set (order does not matter) and the
/// client secret, so that a changed or wrong secret never gets the token of the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey(String);

/// The HMAC key for the secret's part of a cache key. Fixed and used for nothing else: the
/// digest only has to tell secrets apart without being a plain hash anyone can look up.
const SECRET_DIGEST_KEY: &[u8] = b"extapps token cache: client secret digest v1";

impl CacheKey {
    /// `secret` is `None` (or empty) for a public app's login, which has none.
    pub fn new(
        host: &str,
        client_id: &str,
        scopes: &[String],
        secret: Option<&SecretString>,
    ) -> Self {
        let mut sorted: Vec<&str> = scopes.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut h = Sha256::new();
        // NUL separators: no host/id/scope text can make two different keys collide.
        for part in [host.to_ascii_lowercase().as_str(), client_id]
            .into_iter()
            .chain(sorted)
        {
            h.update(part.as_bytes());
            h.update([0]);
        }
        // A marker ends the scopes, so no scope name can pose as the secret's digest.
        h.update([1]);
        if let Some(secret) = secret.filter(|s| !s.expose_secret().is_empty()) {
            h.update(secret_digest(secret));
        }
        let digest = h.finalize();
        CacheKey(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// HMAC-SHA256 of the secret under [`SECRET_DIGEST_KEY`].
fn secret_digest(secret: &SecretString) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET_DIGEST_KEY)
        .expect("HMAC accepts any key length");
    mac.update(secret.expose_secret().as_bytes());
    mac.finalize().into_bytes().into()
}

#[derive(Debug, Clone)]
pub struct TokenCache {
    files: CacheDir,
}

impl TokenCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TokenCache {
            files: CacheDir::new(dir, "token"),
        }
    }

    /// `EXTAPPS_CACHE_DIR`, else the platform's cache directory for extapps
    /// (`~/.cache/extapps/tokens` on Linux); `None` when there is no home to put it in.
    pub fn default_location(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        CacheDir::default_dir(get, "tokens").map(TokenCache::new)
    }

    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    pub fn path_of(&self, key: &CacheKey) -> PathBuf {
        self.files.path_of(&key.0)
    }

    /// The cached token, or `None` when there is none or the file is unreadable (a damaged
    /// cache only costs a new token request, so it is not an error).
    pub fn load(&self, key: &CacheKey) -> Option<CachedToken> {
        let bytes = std::fs::read(self.path_of(key)).ok()?;
        let d: OnDisk = match serde_json::from_slice(&bytes) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "token cache: unreadable entry ignored");
                return None;
            }
        };
        Some(CachedToken {
            host: d.host,
            client_id: d.client_id,
            scopes: d.scopes,
            access_token: SecretString::from(d.access_token),
            expires_at: d.expires_at,
            refresh_token: d.refresh_token.map(SecretString::from),
        })
    }

    pub fn store(&self, key: &CacheKey, token: &CachedToken) -> std::io::Result<()> {
        let body = serde_json::to_vec(&OnDisk {
            host: token.host.clone(),
            client_id: token.client_id.clone(),
            scopes: token.scopes.clone(),
            access_token: token.access_token.expose_secret().to_owned(),
            expires_at: token.expires_at,
            refresh_token: token
                .refresh_token
                .as_ref()
                .map(|r| r.expose_secret().to_owned()),
        })
        .map_err(std::io::Error::other)?;
        self.files.write_whole(&key.0, &body)
    }

    pub fn remove(&self, key: &CacheKey) -> std::io::Result<bool> {
        match std::fs::remove_file(self.path_of(key)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Deletes every cached token (and leftovers of interrupted writes); how many tokens went.
    pub fn clear(&self) -> std::io::Result<usize> {
        self.files.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(refresh: Option<&str>) -> CachedToken {
        CachedToken {
            host: "cloud.uipath.com".into(),
            client_id: "cid".into(),
            scopes: vec!["PM.OAuthApp".into()],
            access_token: SecretString::from("eyJ.access.token".to_owned()),
            expires_at: "2026-03-01T13:00:00Z".parse().unwrap(),
            refresh_token: refresh.map(|r| SecretString::from(r.to_owned())),
        }
    }

    #[test]
    fn keys_ignore_scope_order_and_differ_by_host_client_and_scopes() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let a = CacheKey::new("h", "c", &s(&["B", "A"]), None);
        assert_eq!(a, CacheKey::new("H", "c", &s(&["A", "B", "A"]), None));
        assert_ne!(a, CacheKey::new("h2", "c", &s(&["A", "B"]), None));
        assert_ne!(a, CacheKey::new("h", "c2", &s(&["A", "B"]), None));
        assert_ne!(a, CacheKey::new("h", "c", &s(&["A"]), None));
        assert_ne!(
            CacheKey::new("h", "c", &s(&["A B"]), None),
            CacheKey::new("h", "c", &s(&["A", "B"]), None)
        );
    }

    #[test]
    fn keys_differ_by_secret_and_never_contain_it() {
        let secret = |v: &str| SecretString::from(v.to_owned());
        let good = secret("the-right-secret");
        let key = CacheKey::new("h", "c", &[], Some(&good));
        assert_eq!(key, CacheKey::new("h", "c", &[], Some(&good)));
        assert_ne!(key, CacheKey::new("h", "c", &[], Some(&secret("wrong"))));
        assert_ne!(key, CacheKey::new("h", "c", &[], None));
        // No secret and an empty one are the same: a public app's login.
        assert_eq!(
            CacheKey::new("h", "c", &[], None),
            CacheKey::new("h", "c", &[], Some(&secret("")))
        );
        let name = TokenCache::new("d").path_of(&key).display().to_string();
        assert!(!name.contains("the-right-secret"), "{name}");
        // Not a plain hash of the secret, which a lookup table could reverse.
        let plain: String = Sha256::digest(b"the-right-secret")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!plain.contains(&key.0), "{name}");
        assert_ne!(
            secret_digest(&good).as_slice(),
            Sha256::digest(b"the-right-secret").as_slice()
        );
    }

    #[test]
    fn store_load_clear_round_trip_with_private_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("nested/tokens"));
        let key = CacheKey::new("h", "c", &[], None);
        assert!(cache.load(&key).is_none());
        cache.store(&key, &token(Some("r1"))).unwrap();
        let back = cache.load(&key).unwrap();
        assert_eq!(back.access_token.expose_secret(), "eyJ.access.token");
        assert_eq!(back.refresh_token.unwrap().expose_secret(), "r1");
        cache.store(&key, &token(None)).unwrap();
        assert!(cache.load(&key).unwrap().refresh_token.is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache.path_of(&key)), 0o600);
            assert_eq!(mode(cache.dir()), 0o700);
        }
        cache
            .store(&CacheKey::new("h", "other", &[], None), &token(None))
            .unwrap();
        std::fs::write(cache.dir().join("unrelated.txt"), "keep me").unwrap();
        assert_eq!(cache.clear().unwrap(), 2);
        assert_eq!(cache.clear().unwrap(), 0);
        assert!(cache.dir().join("unrelated.txt").exists());
        assert!(!format!("{:?}", token(Some("r1"))).contains("r1"));
    }

    #[test]
    fn a_damaged_entry_reads_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path());
        let key = CacheKey::new("h", "c", &[], None);
        std::fs::write(cache.path_of(&key), "{not json").unwrap();
        assert!(cache.load(&key).is_none());
        assert_eq!(
            TokenCache::default_location(|k| (k == CACHE_DIR_ENV).then(|| "/x/y".to_owned()))
                .unwrap()
                .dir(),
            Path::new("/x/y")
        );
    }
}
