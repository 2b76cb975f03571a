//! An update is a whole-app PUT built from a read, so two editors at once silently undo each
//! other: the last PUT wins. The PUT's success says nothing about whether *this* edit is on the
//! server, so the app is read back and compared with what was intended. The live server shows
//! a write only after a lag, hence a few reads before a change is called missing, and one more
//! read after it was seen, to catch a concurrent writer that overwrote it just after.

use std::time::Duration;

use super::client::IdentityClient;
use super::error::ApiError;
use super::model::{App, UpdateAppRequest};
use crate::domain::diff::{self, Change};

/// How hard to look for a change after the PUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadBack {
    /// Reads before a change is called missing, the first included.
    pub tries: u32,
    /// Between two reads, and before the confirming read.
    pub delay: Duration,
}

impl Default for ReadBack {
    fn default() -> Self {
        ReadBack {
            tries: 3,
            delay: Duration::from_millis(500),
        }
    }
}

/// The app as read back after the PUT, and how it differs from the intention.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub app: App,
    /// Intended changes the server does not show.
    pub missing: Vec<Change>,
    /// Changes the server shows that were not part of the edit (someone else's).
    pub unexpected: Vec<Change>,
}

impl Applied {
    /// An update that landed as intended, nothing else changed.
    pub fn clean(app: App) -> Self {
        Applied {
            app,
            missing: Vec::new(),
            unexpected: Vec::new(),
        }
    }

    pub fn stuck(&self) -> bool {
        self.missing.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum UpdateError {
    /// The PUT failed: `ApiError::outcome` says whether it may have happened.
    Put(ApiError),
    /// The PUT was accepted, but no read afterwards succeeded, so whether it stuck is unknown.
    ReadBack(ApiError),
}

impl From<ApiError> for UpdateError {
    fn from(e: ApiError) -> Self {
        UpdateError::Put(e)
    }
}

/// Compares the app read back with the edit `before` → `intended`.
pub fn compare(before: &UpdateAppRequest, intended: &UpdateAppRequest, app: App) -> Applied {
    let wanted = diff::changes(before, intended);
    let seen = diff::changes(before, &UpdateAppRequest::from_app(&app));
    Applied {
        missing: wanted
            .iter()
            .filter(|c| !seen.contains(c))
            .cloned()
            .collect(),
        unexpected: seen
            .iter()
            .filter(|c| !wanted.contains(c))
            .cloned()
            .collect(),
        app,
    }
}

/// PUTs `intended` (built from `before`, the app as read) and checks that it stuck.
pub async fn update_and_check(
    client: &IdentityClient,
    client_id: &str,
    before: &UpdateAppRequest,
    intended: &UpdateAppRequest,
) -> Result<Applied, UpdateError> {
    client.put_app(client_id, intended).await?;
    let policy = client.config().readback;
    let mut last: Result<Applied, ApiError> = Err(ApiError::Config("not read yet".into()));
    for i in 0..policy.tries.max(1) {
        if i > 0 {
            tokio::time::sleep(policy.delay).await;
        }
        last = client
            .get_app(client_id)
            .await
            .map(|app| compare(before, intended, app));
        if let Ok(seen) = &last
            && seen.stuck()
        {
            if policy.tries <= 1 {
                break;
            }
            tokio::time::sleep(policy.delay).await;
            return Ok(match client.get_app(client_id).await {
                Ok(app) => compare(before, intended, app),
                // It was seen on the server: an unreadable confirmation does not undo that.
                Err(_) => seen.clone(),
            });
        }
    }
    last.map_err(UpdateError::ReadBack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::test_update as req;

    fn app_like(r: &UpdateAppRequest) -> App {
        let mut v = serde_json::json!({
            "id": "c1", "name": r.name, "isConfidential": true,
            "resources": [{"name": "Orchestrator", "scopes": []}], "secrets": []
        });
        for s in &r.scopes {
            v["resources"][0]["scopes"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"name": s.name, "type": 1}));
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn names_what_did_not_stick_and_what_came_instead() {
        let before = req("A", "", &["OR.Jobs"]);
        let intended = req("A", "", &["OR.Jobs", "OR.Mine"]);
        let server = req("A", "", &["OR.Jobs", "OR.Theirs"]);
        let got = compare(&before, &intended, app_like(&server));
        let missing: Vec<String> = got.missing.iter().map(ToString::to_string).collect();
        let unexpected: Vec<String> = got.unexpected.iter().map(ToString::to_string).collect();
        assert_eq!(missing, ["+ scope OR.Mine (application)"]);
        assert_eq!(unexpected, ["+ scope OR.Theirs (application)"]);
        assert!(compare(&before, &intended, app_like(&intended)).stuck());
    }
}
