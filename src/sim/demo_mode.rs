//! `--demo`: the simulator in-process on a free loopback port, and settings pointing at it.

use std::time::Duration;

use secrecy::SecretString;

use crate::config::Settings;
use crate::sim::{self, SimHandle, SimSettings};

pub async fn start() -> std::io::Result<(SimHandle, Settings)> {
    let handle = sim::start(SimSettings::default()).await?;
    let settings = settings_for(&handle);
    Ok((handle, settings))
}

/// Settings that sign in to a running simulator as its demo admin app.
pub fn settings_for(handle: &SimHandle) -> Settings {
    Settings {
        source: "demo".to_owned(),
        uri: handle.base_url.as_str().trim_end_matches('/').to_owned(),
        organization: handle.organization.clone(),
        client_id: handle.admin_client_id().to_owned(),
        client_secret: SecretString::from(handle.admin_secret().to_owned()),
        timeout: Duration::from_secs(10),
        ..Settings::default()
    }
}
