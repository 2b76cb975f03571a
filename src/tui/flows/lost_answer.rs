//! How a lost answer is told. `ApiError`'s own text is written for a server that never
//! answered ("check the URI setting", "try again"); after a request was sent, neither holds:
//! the server answered before, and the request may have been carried out.

use crate::api::ApiError;

/// Why the answer is missing, without the advice `ApiError`'s text gives for a server that
/// never answered ("check the URI setting", "try again"): this server did answer before,
/// and the request may have been carried out.
pub fn lost_reason(e: &ApiError) -> String {
    match e {
        ApiError::Network { detail, .. } => format!("the connection broke: {detail}"),
        ApiError::Timeout { after, .. } => format!("no answer within {}s", after.as_secs()),
        ApiError::UnexpectedBody { status, .. } => {
            format!("the server answered {status} with a body that could not be read")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_advice_meant_for_a_server_that_never_answered() {
        let lost = [
            ApiError::Network {
                host: "127.0.0.1:9".into(),
                detail: "connection reset by peer".into(),
            },
            ApiError::Timeout {
                what: "the new app".into(),
                after: std::time::Duration::from_secs(30),
            },
        ];
        for e in lost {
            let text = lost_reason(&e);
            assert!(!text.contains("URI setting"), "{text}");
            assert!(!text.to_lowercase().contains("try again"), "{text}");
        }
    }
}
