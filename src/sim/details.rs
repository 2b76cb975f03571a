//! What the list carries, and per-app reads as tests need to watch and break them. The live
//! server's list answers summaries (no scopes, no secrets) and only an app's own read returns
//! it whole; the simulator does the same by default so that extapps is exercised on the path
//! the real server takes.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::api::model::App;

/// The shape of `GET /api/ExternalClient/{prt}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListShape {
    /// Name, id, kind and redirect URI of each app; `resources` and `secrets` null (as
    /// observed live).
    #[default]
    Summary,
    /// Every app whole, scopes and secrets included.
    Full,
}

/// How the list's body is sent. Whether the live server writes its list as it serialises it
/// (ASP.NET Core's System.Text.Json formatter does, in chunks) or whole after serialising it
/// (a buffering formatter) has not been observed; extapps reads it as it arrives either way,
/// and the tests run both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListDelivery {
    /// Written in pieces as it is serialised (chunked, no Content-Length).
    #[default]
    Streamed,
    /// Serialised whole first, then sent with its Content-Length.
    Buffered,
}

/// A list entry in the summary shape. The nulls are written out, as the live server does.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSummary<'a> {
    name: &'a str,
    id: &'a str,
    secret: Option<()>,
    is_confidential: bool,
    redirect_uri: Option<&'a str>,
    resources: Option<()>,
    secrets: Option<()>,
}

impl<'a> From<&'a App> for AppSummary<'a> {
    fn from(app: &'a App) -> Self {
        AppSummary {
            name: &app.name,
            id: &app.id,
            secret: None,
            is_confidential: app.is_confidential,
            redirect_uri: app.redirect_uri.as_deref(),
            resources: None,
            secrets: None,
        }
    }
}

/// The list shape in force, per-app reads answered so far, and the apps whose reads fail.
#[derive(Default)]
pub struct DetailState {
    shape: Mutex<ListShape>,
    delivery: Mutex<ListDelivery>,
    failing: Mutex<HashSet<String>>,
    reads: AtomicU64,
}

impl DetailState {
    pub fn new(shape: ListShape, delivery: ListDelivery) -> Self {
        DetailState {
            shape: Mutex::new(shape),
            delivery: Mutex::new(delivery),
            ..DetailState::default()
        }
    }

    pub fn shape(&self) -> ListShape {
        *self.shape.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_shape(&self, shape: ListShape) {
        *self.shape.lock().unwrap_or_else(|e| e.into_inner()) = shape;
    }

    pub fn delivery(&self) -> ListDelivery {
        *self.delivery.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_delivery(&self, delivery: ListDelivery) {
        *self.delivery.lock().unwrap_or_else(|e| e.into_inner()) = delivery;
    }

    pub fn set_failing(&self, ids: HashSet<String>) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = ids;
    }

    /// Counts one read of `client_id`; false when that app's reads are set to fail.
    pub fn read(&self, client_id: &str) -> bool {
        self.reads.fetch_add(1, Ordering::Relaxed);
        !self
            .failing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|id| id.eq_ignore_ascii_case(client_id))
    }

    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }
}
