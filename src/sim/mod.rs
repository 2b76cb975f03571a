//! Placeholder until the simulator lands: the interface the rest of the crate expects.

use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct SimSettings {
    pub port: u16,
    pub extra_apps: usize,
    pub token_lifetime: Duration,
}

pub struct SimHandle {
    pub base_url: url::Url,
    pub organization: String,
    pub partition_id: String,
}

impl SimHandle {
    pub fn admin_client_id(&self) -> &str {
        "demo-admin"
    }
    pub fn admin_secret(&self) -> &str {
        "demo-admin-secret"
    }
    pub async fn shutdown(self) {}
}

pub async fn start(_settings: SimSettings) -> std::io::Result<SimHandle> {
    Err(std::io::Error::other("the simulator is not built yet"))
}
