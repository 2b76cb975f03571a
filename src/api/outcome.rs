//! What became of a request that changes something when it did not plainly succeed. A change
//! has three outcomes, and the CLI and the TUI must say the same thing about each:
//!
//! - not done: refused, or never sent (connection refused, DNS, TLS): safe to send again;
//! - unknown: sent, then the answer was lost (connection dropped, no status in time): it may or
//!   may not have happened, and sending it again could do it twice;
//! - done: a 2xx status arrived, but its body could not be read (cut off, malformed, too slow):
//!   it happened, only the answer is lost.

use super::error::ApiError;

/// The exit status for "the outcome of a change is unknown" (agreed across the commands).
pub const EXIT_UNKNOWN: i32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    NotDone,
    Unknown,
    Done,
}

/// `ApiError::Network` details that mean the request never left: the connection was not made.
pub(crate) const NOT_CONNECTED: &str = "could not connect";
pub(crate) const REFUSED: &str = "connection refused";

impl ApiError {
    /// For a request that changes something and failed: did it happen?
    pub fn outcome(&self) -> Outcome {
        match self {
            ApiError::UnexpectedBody { status, .. } | ApiError::TooLarge { status, .. }
                if *status < 300 =>
            {
                Outcome::Done
            }
            ApiError::Timeout { .. } => Outcome::Unknown,
            ApiError::Network { detail, .. }
                if detail.starts_with(NOT_CONNECTED) || detail == REFUSED =>
            {
                Outcome::NotDone
            }
            ApiError::Network { .. } => Outcome::Unknown,
            _ => Outcome::NotDone,
        }
    }

    /// What went wrong, in words that carry no advice: a lost answer must never be followed by
    /// "try again" (`Timeout`'s own message says that, rightly, for a read).
    pub fn lost_detail(&self) -> String {
        match self {
            ApiError::Timeout { after, .. } => {
                format!("no answer within {}s", after.as_secs())
            }
            ApiError::Network { host, detail } => format!("{host}: {detail}"),
            ApiError::UnexpectedBody {
                status, problem, ..
            } => format!("the server answered {status}, but {problem}"),
            other => other.to_string(),
        }
    }
}

/// "The outcome of {what} is unknown ...": the one wording of a lost answer. `look` is the
/// command (or key) that shows the truth.
pub fn unknown_message(what: &str, e: &ApiError, look: &str) -> String {
    format!(
        "the outcome of {what} is unknown: the request was sent, then its answer was lost ({}). \
         It may or may not have happened, and it was not sent again. See what happened with: {look}",
        e.lost_detail()
    )
}

/// The TUI's wording of a lost answer, where the list is read again by itself: "The outcome is
/// unknown: the {sent} was sent, then its answer was lost (...). {maybe}; it was not sent
/// again. The list is being read again to show which."
pub fn unknown_reread(sent: &str, e: &ApiError, maybe: &str) -> String {
    format!(
        "The outcome is unknown: the {sent} was sent, then its answer was lost ({}). {maybe}; it \
         was not sent again. The list is being read again to show which.",
        e.lost_detail()
    )
}

/// A 2xx arrived whose body could not be read: the change happened.
pub fn done_message(what: &str, e: &ApiError, look: &str) -> String {
    format!(
        "{what} was carried out (the server answered {}), but the rest of its answer was lost ({}). \
         Look with: {look}",
        status_of(e),
        e.lost_detail()
    )
}

fn status_of(e: &ApiError) -> String {
    match e {
        ApiError::UnexpectedBody { status, .. } => status.to_string(),
        _ => "with success".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn three_outcomes() {
        let timeout = ApiError::Timeout {
            what: "x".into(),
            after: Duration::from_secs(3),
        };
        assert_eq!(timeout.outcome(), Outcome::Unknown);
        let dropped = ApiError::Network {
            host: "h".into(),
            detail: "connection reset by peer".into(),
        };
        assert_eq!(dropped.outcome(), Outcome::Unknown);
        let refused = ApiError::Network {
            host: "h".into(),
            detail: REFUSED.into(),
        };
        assert_eq!(refused.outcome(), Outcome::NotDone);
        let dns = ApiError::Network {
            host: "h".into(),
            detail: format!("{NOT_CONNECTED}: dns error"),
        };
        assert_eq!(dns.outcome(), Outcome::NotDone);
        let garbled = ApiError::UnexpectedBody {
            status: 201,
            problem: "p".into(),
            snippet: String::new(),
        };
        assert_eq!(garbled.outcome(), Outcome::Done);
        let refused_by_server = ApiError::BadRequest {
            message: "no".into(),
        };
        assert_eq!(refused_by_server.outcome(), Outcome::NotDone);
    }

    #[test]
    fn a_lost_answer_never_advises_a_retry() {
        let timeout = ApiError::Timeout {
            what: "the new app".into(),
            after: Duration::from_secs(30),
        };
        let m = unknown_message("creating app \"x\"", &timeout, "extapps apps list");
        assert!(!m.to_lowercase().contains("try again"), "{m}");
        assert!(
            m.contains("unknown") && m.contains("extapps apps list"),
            "{m}"
        );
    }
}
