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
    /// Secret mutations, verification and the clipboard (`tui::flows::secrets`).
    Secret(SecretEffect),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretEffect {
    /// `POST GenerateSecret`, sent once: a lost answer is reported, never retried.
    Generate {
        req: RequestId,
        client_id: String,
        description: Option<String>,
        expiry: Option<jiff::Timestamp>,
    },
    Delete {
        req: RequestId,
        secret_id: i64,
    },
    /// A client-credentials token request with the new secret, all registered scopes.
    Verify {
        req: RequestId,
        client_id: String,
        secret: Sensitive,
    },
    Copy {
        req: RequestId,
        what: String,
        text: Sensitive,
    },
}

/// A value that must never be printed: `Debug` is redacted, equality is for tests.
#[derive(Clone)]
pub struct Sensitive(pub secrecy::SecretString);

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sensitive([REDACTED])")
    }
}

impl PartialEq for Sensitive {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for Sensitive {}

impl Effect {
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Effect::LoadApps { req } | Effect::LoadToken { req } => Some(*req),
            Effect::Secret(
                SecretEffect::Generate { req, .. }
                | SecretEffect::Delete { req, .. }
                | SecretEffect::Verify { req, .. }
                | SecretEffect::Copy { req, .. },
            ) => Some(*req),
            Effect::Quit => None,
        }
    }
}
