//! The Identity Server client: wire types, token handling and one function per route.

pub mod app_token;
pub mod auth;
pub mod backup_delete;
mod cache_dir;
pub mod client;
pub mod details_cache;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod inspect;
pub mod jwt;
pub mod list_stream;
pub mod login;
pub mod model;
pub mod outcome;
pub mod pacer;
pub mod readback;
pub mod secret_check;
pub mod shared_str;
pub mod token_cache;

pub use client::{ClientConfig, IdentityClient};
pub use endpoints::Endpoints;
pub use error::ApiError;
