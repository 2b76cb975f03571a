//! What `update` asks the outside world to do. The worker runs the network ones; the event
//! loop handles `Quit`.

/// Identifies one request so that an answer can be matched with the question still waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// One list call: every app with its scopes and secrets.
    LoadApps {
        req: RequestId,
    },
    /// The current access token (cached by the client when possible).
    LoadToken {
        req: RequestId,
    },
    Quit,
}

impl Effect {
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Effect::LoadApps { req } | Effect::LoadToken { req } => Some(*req),
            Effect::Quit => None,
        }
    }
}
