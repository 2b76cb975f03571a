//! The editing flows that sit on top of the panes as overlays: each module owns one flow's
//! state, its pure update steps and the effects it asks for. A flow's `key` and `answer`
//! take its state and the shared context (`ctx::Ctx`) and return an `ctx::Outcome`;
//! `update.rs` routes to them and carries the outcome out.

pub mod app_form;
pub mod ctx;
pub mod delete_app;
pub mod delete_secret;
pub mod editing;
pub mod json_edit;
pub mod login;
pub mod lost_create;
pub mod messages;
pub mod profile;
pub mod reveal;
pub mod rotate;
pub mod scope_picker;
pub mod secret_details;
pub mod secret_new;
pub mod secrets;
pub mod token;
pub mod typed_confirm;
