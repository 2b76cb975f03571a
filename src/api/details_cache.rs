//! Apps' details (scopes, secret ids, descriptions and dates) kept between runs, one file per
//! organization, with the time each app was read. The live list carries summaries only, and
//! reading every app again costs one request each against a budget of 300 per five minutes;
//! with this cache a second run knows at once what the first one read.
//!
//! Never a secret value: apps are stripped of them before they are written. Files are 0600
//! in a 0700 directory and replaced whole through a renamed temporary file, as the token
//! cache does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cache_dir::CacheDir;
use super::model::{App, Details};

/// Bumped when the file's meaning changes; an older file is then ignored, not misread.
const VERSION: u32 = 1;

/// Which organization a file belongs to: the identity host and the partition (org) id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgKey {
    pub host: String,
    pub partition_id: String,
}

impl OrgKey {
    pub fn new(host: &str, partition_id: &str) -> Self {
        OrgKey {
            host: host.to_ascii_lowercase(),
            partition_id: partition_id.to_ascii_lowercase(),
        }
    }

    /// The file's name without the cache's prefix: a digest, as host and id may hold any text.
    fn file_id(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.host.as_bytes());
        h.update([0]);
        h.update(self.partition_id.as_bytes());
        let digest = h.finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One app as it was read, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedApp {
    /// Always `Details::Known`, never with a secret value.
    pub app: App,
    pub read_at: Timestamp,
}

/// Client id to what was read of that app.
pub type CachedApps = HashMap<String, CachedApp>;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OnDisk {
    version: u32,
    host: String,
    partition_id: String,
    apps: Vec<DiskEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiskEntry {
    read_at: Timestamp,
    app: App,
}

#[derive(Debug, Clone)]
pub struct DetailsCache {
    files: CacheDir,
}

impl DetailsCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DetailsCache {
            files: CacheDir::new(dir, "details"),
        }
    }

    /// `EXTAPPS_CACHE_DIR` (beside the tokens), else the platform's cache directory for
    /// extapps (`~/.cache/extapps/details` on Linux); `None` when there is no home.
    pub fn default_location(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        CacheDir::default_dir(get, "details").map(DetailsCache::new)
    }

    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    pub fn path_of(&self, org: &OrgKey) -> PathBuf {
        self.files.path_of(&org.file_id())
    }

    /// What was read of this organization's apps; empty when nothing was, or when the file
    /// is damaged or from another version (a lost cache only costs reads, never an error).
    pub fn load(&self, org: &OrgKey) -> CachedApps {
        let Ok(bytes) = std::fs::read(self.path_of(org)) else {
            return CachedApps::new();
        };
        let disk: OnDisk = match serde_json::from_slice(&bytes) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "details cache: unreadable file ignored");
                return CachedApps::new();
            }
        };
        if disk.version != VERSION || OrgKey::new(&disk.host, &disk.partition_id) != *org {
            tracing::warn!("details cache: file of another version or organization ignored");
            return CachedApps::new();
        }
        disk.apps
            .into_iter()
            .map(|e| {
                let mut app = e.app;
                app.details = Details::Known;
                (
                    app.id.clone(),
                    CachedApp {
                        app,
                        read_at: e.read_at,
                    },
                )
            })
            .collect()
    }

    /// Replaces the organization's file with exactly these apps. Apps whose details are not
    /// known are left out: the cache holds only what was read.
    pub fn store<'a>(
        &self,
        org: &OrgKey,
        apps: impl IntoIterator<Item = &'a CachedApp>,
    ) -> std::io::Result<()> {
        let mut entries: Vec<DiskEntry> = apps
            .into_iter()
            .filter(|c| c.app.details_known())
            .map(|c| DiskEntry {
                read_at: c.read_at,
                app: without_values(&c.app),
            })
            .collect();
        // A stable order keeps the file diffable and its writes reproducible.
        entries.sort_by(|a, b| a.app.id.cmp(&b.app.id));
        let body = serde_json::to_vec(&OnDisk {
            version: VERSION,
            host: org.host.clone(),
            partition_id: org.partition_id.clone(),
            apps: entries,
        })
        .map_err(std::io::Error::other)?;
        self.files.write_whole(&org.file_id(), &body)
    }

    /// Deletes every organization's file (and leftovers of interrupted writes); how many
    /// organizations' files went.
    pub fn clear(&self) -> std::io::Result<usize> {
        self.files.clear()
    }
}

/// The app with every secret value dropped: a read never carries one, but a create's answer
/// does, and the cache must not keep it whichever reached it.
fn without_values(app: &App) -> App {
    let mut app = app.clone();
    app.secret = None;
    for s in &mut app.secrets {
        s.secret = None;
    }
    app
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn app(id: &str, value: Option<&str>) -> App {
        let mut app: App = serde_json::from_value(serde_json::json!({
            "name": format!("app {id}"), "id": id, "isConfidential": true,
            "resources": [{"name": "R", "scopes": [{"name": "OR.Jobs", "type": 1}]}],
            "secrets": [{"id": 7, "description": "ci", "creationTime": "2026-01-01T00:00:00Z",
                         "expiryTime": "2026-06-01T00:00:00Z"}]
        }))
        .unwrap();
        app.secret = value.map(|v| SecretString::from(v.to_owned()));
        app.secrets[0].secret = value.map(|v| SecretString::from(v.to_owned()));
        app.details = Details::Known;
        app
    }

    #[test]
    fn round_trip_per_organization_without_values_in_private_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DetailsCache::new(dir.path().join("c"));
        let org = OrgKey::new("Cloud.UiPath.com", "ABC");
        let other = OrgKey::new("cloud.uipath.com", "def");
        let read_at: Timestamp = "2026-02-01T10:00:00Z".parse().unwrap();
        let unknown = App {
            details: Details::Unknown,
            ..app("u", None)
        };
        let entries = [
            CachedApp {
                app: app("a", Some("first-secret-value-xyz")),
                read_at,
            },
            CachedApp {
                app: unknown,
                read_at,
            },
        ];
        cache.store(&org, &entries).unwrap();

        let raw = std::fs::read_to_string(cache.path_of(&org)).unwrap();
        assert!(!raw.contains("first-secret-value-xyz"), "{raw}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache.path_of(&org)), 0o600);
            assert_eq!(mode(cache.dir()), 0o700);
        }

        let loaded = cache.load(&OrgKey::new("cloud.uipath.com", "abc"));
        assert_eq!(loaded.len(), 1, "only what was read is kept");
        let a = &loaded["a"];
        assert!(a.app.details_known());
        assert_eq!(a.read_at, read_at);
        assert_eq!(a.app, app("a", None));
        assert!(a.app.secret.is_none() && a.app.secrets[0].secret.is_none());
        assert!(cache.load(&other).is_empty());

        assert_eq!(cache.clear().unwrap(), 1);
        assert!(cache.load(&org).is_empty());
        assert_eq!(cache.clear().unwrap(), 0);
    }

    #[test]
    fn a_damaged_or_foreign_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DetailsCache::new(dir.path());
        let org = OrgKey::new("h", "p");
        std::fs::write(cache.path_of(&org), b"{not json").unwrap();
        assert!(cache.load(&org).is_empty());
        let foreign = serde_json::json!({
            "version": VERSION, "host": "h", "partitionId": "elsewhere", "apps": []
        });
        std::fs::write(cache.path_of(&org), foreign.to_string()).unwrap();
        assert!(cache.load(&org).is_empty());
    }
}
