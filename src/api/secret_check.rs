//! What a failed check of a new secret means. Only an `invalid_client` answer says the secret
//! does not work; a token endpoint that is down, silent or strange says nothing about it, and
//! calling that a refusal would send someone to mint yet another secret.

use super::error::{ApiError, OAuthCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretCheck {
    /// The token endpoint answered and refused the secret.
    Refused(String),
    /// No verdict: the endpoint failed, did not answer, or answered something else.
    Unchecked(String),
}

impl SecretCheck {
    pub fn of(err: &ApiError) -> Self {
        match err {
            ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            } => SecretCheck::Refused(format!("the token endpoint refused it ({err})")),
            // Already names the token endpoint and what went wrong with it.
            ApiError::TokenEndpoint { .. } => {
                SecretCheck::Unchecked(format!("could not check it: {err}"))
            }
            ApiError::Network { .. } | ApiError::Timeout { .. } => SecretCheck::Unchecked(format!(
                "could not check it: the token endpoint did not answer ({err})"
            )),
            other => SecretCheck::Unchecked(format!("could not check it: {other}")),
        }
    }

    pub fn is_refused(&self) -> bool {
        matches!(self, SecretCheck::Refused(_))
    }

    pub fn message(&self) -> &str {
        match self {
            SecretCheck::Refused(m) | SecretCheck::Unchecked(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invalid_client_is_a_refusal() {
        let refused = ApiError::OAuth {
            code: OAuthCode::InvalidClient,
            description: None,
        };
        assert!(SecretCheck::of(&refused).is_refused());
        let down = ApiError::TokenEndpoint {
            host: "h:1".into(),
            detail: "failed (503)".into(),
        };
        let check = SecretCheck::of(&down);
        assert!(!check.is_refused());
        assert!(
            check
                .message()
                .starts_with("could not check it: the token endpoint (h:1) failed (503)"),
            "{check:?}"
        );
        let scope = ApiError::OAuth {
            code: OAuthCode::InvalidScope,
            description: None,
        };
        assert!(!SecretCheck::of(&scope).is_refused());
    }
}
