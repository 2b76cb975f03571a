//! The Identity Server client: wire types, token handling and one function per route.

pub mod auth;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod jwt;
pub mod login;
pub mod model;
pub mod token_cache;

pub use client::{ClientConfig, IdentityClient};
pub use endpoints::Endpoints;
pub use error::ApiError;
