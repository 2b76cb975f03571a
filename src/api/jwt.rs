//! Reading access tokens. Clients never verify the signature (they do not hold the key); they
//! only need the claims: the partition id (`prt_id`), the expiry and the scopes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// Tokens larger than this are refused before decoding: no issuer sends one, and decoding
/// attacker-sized input is how parsers fall over.
pub const MAX_TOKEN_LEN: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("this is not a JWT: it should be three dot-separated parts")]
    NotAJwt,
    #[error("the token is larger than {MAX_TOKEN_LEN} bytes")]
    TooLarge,
    #[error("the token's {0} is not valid base64url")]
    Base64(&'static str),
    #[error("the token's {0} is not a JSON object")]
    NotJson(&'static str),
}

/// The decoded header and claims of a JWT. Unknown claims are kept in `claims`.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl DecodedJwt {
    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    pub fn int_claim(&self, name: &str) -> Option<i64> {
        match self.claims.get(name)? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The organization (partition) GUID, when the issuer put it in the token.
    pub fn partition_id(&self) -> Option<&str> {
        self.str_claim("prt_id").filter(|s| !s.is_empty())
    }

    pub fn client_id(&self) -> Option<&str> {
        self.str_claim("client_id")
    }

    /// Expiry as seconds since the epoch.
    pub fn exp(&self) -> Option<i64> {
        self.int_claim("exp")
    }

    /// The granted scopes. Issuers write `scope` as a JSON array, a single string, or a
    /// space-separated string; all three are read.
    pub fn scopes(&self) -> Vec<String> {
        scopes_of(self.claims.get("scope"))
    }
}

pub fn scopes_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(str::split_whitespace)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

pub fn decode(token: &str) -> Result<DecodedJwt, JwtError> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::TooLarge);
    }
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token);
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::NotAJwt);
    };
    Ok(DecodedJwt {
        header: decode_part(header, "header")?,
        claims: decode_part(claims, "payload")?,
    })
}

fn decode_part(part: &str, what: &'static str) -> Result<Map<String, Value>, JwtError> {
    // Some issuers pad; the spec says they must not. Accept both.
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| JwtError::Base64(what))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::NotJson(what)),
    }
}

/// Builds an unsigned-looking JWT from claims; the signature part is whatever the caller gives.
/// Used by the simulator (with a real HMAC) and by tests.
pub fn encode_parts(header: &Value, claims: &Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap_or_default());
    let c = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    format!("{h}.{c}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(claims: Value) -> String {
        format!(
            "{}.c2ln",
            encode_parts(&json!({"alg":"HS256","typ":"JWT"}), &claims)
        )
    }

    #[test]
    fn scope_claim_in_all_three_shapes() {
        let arr = decode(&token(json!({"scope":["PM.OAuthApp","OR.Jobs"]}))).unwrap();
        assert_eq!(arr.scopes(), vec!["PM.OAuthApp", "OR.Jobs"]);
        let one = decode(&token(json!({"scope":"PM.OAuthApp"}))).unwrap();
        assert_eq!(one.scopes(), vec!["PM.OAuthApp"]);
        let spaced = decode(&token(json!({"scope":"PM.OAuthApp OR.Jobs"}))).unwrap();
        assert_eq!(spaced.scopes(), vec!["PM.OAuthApp", "OR.Jobs"]);
    }

    #[test]
    fn missing_claims_are_none() {
        let d = decode(&token(json!({}))).unwrap();
        assert_eq!(d.partition_id(), None);
        assert_eq!(d.exp(), None);
        assert!(d.scopes().is_empty());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(decode("hello"), Err(JwtError::NotAJwt));
        assert_eq!(decode("a.b.c.d"), Err(JwtError::NotAJwt));
        assert_eq!(decode("!!!.e30.x"), Err(JwtError::Base64("header")));
        assert_eq!(
            decode("e30.bm90anNvbg.x"),
            Err(JwtError::NotJson("payload"))
        );
        let huge = "a".repeat(MAX_TOKEN_LEN + 1);
        assert_eq!(decode(&huge), Err(JwtError::TooLarge));
        let big = token(json!({"pad": "x".repeat(100 * 1024)}));
        assert!(decode(&big).is_ok());
    }

    #[test]
    fn claims_are_read_by_name_and_shape() {
        let d = decode(&token(json!({
            "prt_id": "0f1e2d3c",
            "client_id": "my-client",
            "exp": 1_800_000_000,
        })))
        .unwrap();
        assert_eq!(d.partition_id(), Some("0f1e2d3c"));
        assert_eq!(d.client_id(), Some("my-client"));
        assert_eq!(d.exp(), Some(1_800_000_000));
        assert_eq!(d.str_claim("exp"), None);

        let odd = decode(&token(json!({"prt_id": "", "exp": "1700000000"}))).unwrap();
        assert_eq!(odd.partition_id(), None);
        assert_eq!(odd.exp(), Some(1_700_000_000));
        let float = decode(&token(json!({"exp": 1_700_000_000.5}))).unwrap();
        assert_eq!(float.exp(), Some(1_700_000_000));
        let wrong = decode(&token(json!({"exp": true}))).unwrap();
        assert_eq!(wrong.exp(), None);
    }

    #[test]
    fn the_size_limit_is_inclusive_and_bearer_is_stripped() {
        // Exactly at the limit is still decoded (and fails for what it is, not its size).
        let at_limit = "a".repeat(MAX_TOKEN_LEN);
        assert_eq!(decode(&at_limit), Err(JwtError::NotAJwt));
        let t = token(json!({"client_id": "c"}));
        for prefixed in [
            format!("Bearer {t}"),
            format!("bearer {t}"),
            format!("  {t}\n"),
        ] {
            assert_eq!(
                decode(&prefixed).unwrap().client_id(),
                Some("c"),
                "{prefixed}"
            );
        }
        let padded = format!(
            "{}==.{}",
            t.split('.').next().unwrap(),
            t.split_once('.').unwrap().1
        );
        assert!(decode(&padded).is_ok());
    }
}
