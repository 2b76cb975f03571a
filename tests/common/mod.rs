#![allow(dead_code)] // each test crate uses its own part of this

pub mod clock;
pub mod promises;
pub mod promises_config;
pub mod settled;
pub mod sim_process;
pub mod tmux;
pub mod tui;

use std::time::Duration;

use extapps::api::auth::ClientCredentials;
use extapps::api::{ClientConfig, Endpoints, IdentityClient};
use extapps::sim::{self, SimHandle, SimSettings};
use secrecy::SecretString;

pub const READER_ID: &str = "demo-reader";
pub const READER_SECRET: &str = "demo-reader-secret";

pub async fn sim() -> SimHandle {
    sim_with(SimSettings::default()).await
}

pub async fn sim_with(settings: SimSettings) -> SimHandle {
    sim::start(settings).await.expect("the simulator starts")
}

pub fn client_config(h: &SimHandle, id: &str, secret: &str, scopes: &[&str]) -> ClientConfig {
    let endpoints = Endpoints::resolve(h.base_url.as_str(), &h.organization, None, None).unwrap();
    let mut cfg = ClientConfig::new(
        endpoints,
        ClientCredentials {
            client_id: id.to_owned(),
            client_secret: SecretString::from(secret.to_owned()),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        },
    );
    cfg.timeout = Duration::from_secs(5);
    cfg.backoff = Duration::from_millis(10);
    cfg.readback = extapps::api::readback::ReadBack {
        tries: 3,
        delay: Duration::from_millis(10),
    };
    cfg
}

pub fn admin(h: &SimHandle) -> IdentityClient {
    IdentityClient::new(client_config(h, h.admin_client_id(), h.admin_secret(), &[])).unwrap()
}

pub fn reader(h: &SimHandle) -> IdentityClient {
    IdentityClient::new(client_config(h, READER_ID, READER_SECRET, &[])).unwrap()
}

pub fn client_as(h: &SimHandle, id: &str, secret: &str, scopes: &[&str]) -> IdentityClient {
    IdentityClient::new(client_config(h, id, secret, scopes)).unwrap()
}

/// A simulator whose list carries this shape (the default is summaries, as the live server).
pub async fn sim_shaped(shape: extapps::sim::ListShape) -> SimHandle {
    sim_with(SimSettings {
        list_shape: shape,
        ..SimSettings::default()
    })
    .await
}

/// A local port where every connection is refused, reserved while the returned socket lives:
/// bound but never listening. A port bound, released and dialled later could meanwhile be
/// taken by another process, which would answer instead of refusing.
pub fn refusing_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (socket, port)
}
