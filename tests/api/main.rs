//! The client and the simulator over real HTTP on 127.0.0.1, in this process: the contract,
//! faults, login, the token cache and what the live server was observed to do.
//! One test binary (linking one per file was most of the suite's time); add a file as `mod`.

#[path = "../common/mod.rs"]
mod common;

mod backup_delete;
mod client_faults;
mod contract;
mod fault_matrix;
mod list_shape;
mod login_flow;
mod observed;
mod redirects_and_caps;
mod sim_api;
mod sim_client;
mod sim_token;
mod token_cache;
mod token_inspect;
