//! The app list's filter as the user types it: free text and qualifiers (`kind:public`,
//! `state:novalid`, `state:expired`, `expires:<14d`, `scope:OR.Jobs`), all of which must hold.
//! What is not a qualifier is the free text: one phrase (its words joined by single spaces),
//! as the filter was before it had qualifiers.
//!
//! Parsing never fails: what cannot be read is left out of the filter and said in
//! `problems`, so the filter line can tell the user instead of showing an empty list. An app
//! whose scopes and secrets are not loaded cannot be judged on them: its verdict is
//! `NotLoaded`, never a silent "no".

use jiff::{SignedDuration, Timestamp};

use crate::api::model::{App, Secret};

/// The qualifiers, as the help and the messages name them.
pub const QUALIFIERS: &str = "kind: state: expires: scope:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `kind:confidential` (true) or `kind:public` (false).
    Confidential(bool),
    /// `state:novalid`: a confidential app with no valid secret (none, or all expired).
    NoValidSecret,
    /// `state:expired`: at least one expired secret.
    HasExpired,
    /// `expires:<14d`: a valid secret that expires within this long.
    ExpiresWithin(SignedDuration),
}

/// Whether an app passes the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NoMatch,
    /// Nothing known rules it out, but its scopes or secrets, which the filter asks about,
    /// are not loaded yet.
    NotLoaded,
}

/// What the caller searches its own lower-cased text for: the free text (in the name, client
/// id, redirect URIs and scope names) or the n-th `scope:` text (in scope names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    Text,
    Scope(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFilter {
    /// The free text, lower-cased; empty: none. It must occur in one of the app's fields.
    pub text: String,
    /// `scope:` texts, lower-cased; each must occur in one of the app's scope names.
    pub scopes: Vec<String>,
    pub checks: Vec<Check>,
    /// What was typed but could not be used, one message each, in the order typed.
    pub problems: Vec<String>,
}

impl AppFilter {
    /// Reads a filter line. Words are split on whitespace; `key:value` with a known key is a
    /// qualifier.
    pub fn parse(text: &str) -> AppFilter {
        let mut filter = AppFilter::default();
        for token in text.split_whitespace() {
            filter.token(token);
        }
        filter.text = filter.text.to_lowercase();
        filter
    }

    fn word(&mut self, word: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(word);
    }

    fn token(&mut self, token: &str) {
        let Some((key, value)) = token.split_once(':') else {
            self.word(token);
            return;
        };
        let lower_value = value.to_lowercase();
        let problem = match key.to_ascii_lowercase().as_str() {
            "kind" => match lower_value.as_str() {
                "public" => return self.checks.push(Check::Confidential(false)),
                "confidential" => return self.checks.push(Check::Confidential(true)),
                "" => "kind: needs a value: public or confidential".to_owned(),
                _ => format!("kind:{value}: kind is public or confidential"),
            },
            "state" => match lower_value.as_str() {
                "novalid" => return self.checks.push(Check::NoValidSecret),
                "expired" => return self.checks.push(Check::HasExpired),
                "" => "state: needs a value: novalid or expired".to_owned(),
                _ => format!("state:{value}: state is novalid or expired"),
            },
            "expires" => match within(&lower_value) {
                Ok(d) => return self.checks.push(Check::ExpiresWithin(d)),
                Err(why) => format!("expires:{value}: {why}"),
            },
            "scope" if value.is_empty() => "scope: needs a value, like scope:OR.Jobs".to_owned(),
            "scope" => return self.scopes.push(lower_value),
            // Text that only looks like a qualifier (`localhost:8080`, `https://…`, `Bot:`)
            // is text; a word before the colon is most likely a mistyped qualifier, so it is
            // searched as text and the filter line says why nothing may match.
            other => {
                if looks_like_qualifier(other, value) {
                    self.problems.push(format!(
                        "{key}: is not a qualifier ({QUALIFIERS}); searched as text"
                    ));
                }
                self.word(token);
                return;
            }
        };
        self.problems.push(format!("{problem} (not applied)"));
    }

    /// No condition at all: every app passes.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.scopes.is_empty() && self.checks.is_empty()
    }

    /// Whether the verdicts change as time passes (secrets expire).
    pub fn uses_time(&self) -> bool {
        self.checks
            .iter()
            .any(|c| !matches!(c, Check::Confidential(_)))
    }

    /// The verdict on `app` at `now`. `found` answers whether the app's text holds a word or
    /// a scope text (see `Search`), so that the caller can search text it lower-cased once.
    pub fn judge(
        &self,
        app: &App,
        now: Timestamp,
        mut found: impl FnMut(Search) -> bool,
    ) -> Verdict {
        let known = app.details_known();
        let mut unknown = false;
        for check in &self.checks {
            match check.judge(app, now) {
                Verdict::NoMatch => return Verdict::NoMatch,
                Verdict::NotLoaded => unknown = true,
                Verdict::Match => {}
            }
        }
        if !self.text.is_empty() && !found(Search::Text) {
            // Not in the name, id or URIs; the scopes it may be in are not known yet.
            if known {
                return Verdict::NoMatch;
            }
            unknown = true;
        }
        if !self.scopes.is_empty() {
            if !known {
                unknown = true;
            } else if !(0..self.scopes.len()).all(|i| found(Search::Scope(i))) {
                return Verdict::NoMatch;
            }
        }
        if unknown {
            Verdict::NotLoaded
        } else {
            Verdict::Match
        }
    }

    /// `judge`, lower-casing the app's text on every call: for tests and checks, not for a
    /// list of ten thousand apps on every keystroke.
    pub fn judge_slow(&self, app: &App, now: Timestamp) -> Verdict {
        let scopes = || app.resources.iter().flat_map(|r| &r.scopes);
        let has = |text: &str, needle: &str| text.to_lowercase().contains(needle);
        self.judge(app, now, |search| match search {
            Search::Text => {
                let w = self.text.as_str();
                has(&app.name, w)
                    || has(&app.id, w)
                    || app.redirect_uri.as_deref().is_some_and(|u| has(u, w))
                    || scopes().any(|s| has(&s.name, w))
            }
            Search::Scope(i) => scopes().any(|s| has(&s.name, &self.scopes[i])),
        })
    }
}

impl Check {
    pub fn judge(self, app: &App, now: Timestamp) -> Verdict {
        let holds = match self {
            Check::Confidential(c) => app.is_confidential == c,
            // A public app has no secrets by design, and a summary says which kind an app
            // is: no secret state holds for it, loaded or not.
            _ if !app.is_confidential => false,
            _ if !app.details_known() => return Verdict::NotLoaded,
            Check::NoValidSecret => has_no_valid_secret(app, now),
            Check::HasExpired => has_expired_secret(app, now),
            Check::ExpiresWithin(window) => app.secrets.iter().any(|s| {
                is_valid(s, now)
                    && s.expiry_time
                        .is_some_and(|t| t.duration_since(now) <= window)
            }),
        };
        if holds {
            Verdict::Match
        } else {
            Verdict::NoMatch
        }
    }
}

// The secret-state predicates below are this module's own until the shared rule for an app's
// secret state lands in `domain::expiry`; then they should call it.

/// Not expired at `now`: no expiry, or one still ahead.
fn is_valid(secret: &Secret, now: Timestamp) -> bool {
    secret.expiry_time.is_none_or(|t| t > now)
}

/// A confidential app that cannot get a token with client credentials: no secret at all, or
/// every one expired. A public app has no secrets by design and is not in this state.
pub fn has_no_valid_secret(app: &App, now: Timestamp) -> bool {
    app.is_confidential && !app.secrets.iter().any(|s| is_valid(s, now))
}

/// At least one secret expired (and left to clean up).
pub fn has_expired_secret(app: &App, now: Timestamp) -> bool {
    app.secrets.iter().any(|s| !is_valid(s, now))
}

/// `<14d` (or `14d`): a window of time ahead.
fn within(value: &str) -> Result<SignedDuration, String> {
    let rest = match value.strip_prefix('<') {
        Some(rest) => rest.strip_prefix('=').unwrap_or(rest),
        None if value.starts_with('>') => {
            return Err("only < is supported, as in expires:<14d".to_owned());
        }
        None => value,
    };
    if rest.is_empty() {
        return Err("needs a length of time, like expires:<14d (h, d or w)".to_owned());
    }
    // The parser's own words are about settings (`use s, m, h, d, w, mo or y`); here a short
    // line fits the filter line better.
    crate::domain::duration::parse(rest)
        .map_err(|_| "not a length of time; write it like expires:<14d (h, d or w)".to_owned())
}

/// `word:value` where the word is letters and the value is not a port or a path: a qualifier
/// the user meant, rather than text that holds a colon.
fn looks_like_qualifier(key: &str, value: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphabetic())
        && value
            .chars()
            .next()
            .is_some_and(|c| c != '/' && !c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Details;

    fn now() -> Timestamp {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    /// An app whose secrets expire these many days from `now()` (`None`: never).
    fn app(name: &str, confidential: bool, expiries: &[Option<f64>], scopes: &[&str]) -> App {
        let secrets: Vec<_> = expiries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let expiry = e.map(|d| {
                    (now() + SignedDuration::from_secs((d * 86_400.0) as i64)).to_string()
                });
                serde_json::json!({
                    "id": i + 1, "creationTime": "2026-01-01T00:00:00Z", "expiryTime": expiry
                })
            })
            .collect();
        let scopes: Vec<_> = scopes
            .iter()
            .map(|s| serde_json::json!({"name": s, "type": 1}))
            .collect();
        let mut app: App = serde_json::from_value(serde_json::json!({
            "id": format!("id-{name}"), "name": name, "isConfidential": confidential,
            "secrets": secrets,
            "resources": [{"name": "Orchestrator", "scopes": scopes}],
        }))
        .unwrap();
        app.details = Details::Known;
        app
    }

    fn verdict(filter: &str, app: &App) -> Verdict {
        AppFilter::parse(filter).judge_slow(app, now())
    }

    #[test]
    fn kind_is_known_without_details() {
        let mut public = app("Mobile", false, &[], &[]);
        public.details = Details::Unknown;
        assert_eq!(verdict("kind:public", &public), Verdict::Match);
        assert_eq!(verdict("KIND:Confidential", &public), Verdict::NoMatch);
    }

    #[test]
    fn novalid_is_no_secret_or_every_one_expired() {
        let none = app("None", true, &[], &[]);
        let all_expired = app("Gone", true, &[Some(-3.0), Some(-200.0)], &[]);
        let one_left = app("Mixed", true, &[Some(-3.0), Some(5.0)], &[]);
        let never = app("Never", true, &[None], &[]);
        let public = app("Public", false, &[], &[]);
        let f = |a: &App| verdict("state:novalid", a);
        assert_eq!(f(&none), Verdict::Match);
        assert_eq!(f(&all_expired), Verdict::Match);
        assert_eq!(f(&one_left), Verdict::NoMatch);
        assert_eq!(f(&never), Verdict::NoMatch);
        assert_eq!(
            f(&public),
            Verdict::NoMatch,
            "a public app has no secrets by design"
        );
        assert_eq!(verdict("state:expired", &one_left), Verdict::Match);
        assert_eq!(verdict("state:expired", &none), Verdict::NoMatch);
        assert_eq!(verdict("state:expired", &never), Verdict::NoMatch);
    }

    #[test]
    fn expires_counts_only_valid_secrets_inside_the_window() {
        let soon = app("Soon", true, &[Some(-1.0), Some(13.5)], &[]);
        let later = app("Later", true, &[Some(15.0), None], &[]);
        let expired = app("Expired", true, &[Some(-1.0)], &[]);
        assert_eq!(verdict("expires:<14d", &soon), Verdict::Match);
        assert_eq!(verdict("expires:<14d", &later), Verdict::NoMatch);
        assert_eq!(verdict("expires:<14d", &expired), Verdict::NoMatch);
        assert_eq!(verdict("expires:<3w", &later), Verdict::Match);
        assert_eq!(verdict("expires:<=2w", &soon), Verdict::Match);
        assert_eq!(verdict("expires:14d", &soon), Verdict::Match);
        let in_hours = app("Hours", true, &[Some(0.5)], &[]);
        assert_eq!(verdict("expires:<12h", &in_hours), Verdict::Match);
        assert_eq!(verdict("expires:<11h", &in_hours), Verdict::NoMatch);
    }

    #[test]
    fn scope_is_a_case_insensitive_part_of_a_scope_name() {
        let a = app("Bot", true, &[], &["OR.Jobs.Read", "OR.Queues"]);
        assert_eq!(verdict("scope:or.jobs", &a), Verdict::Match);
        assert_eq!(verdict("scope:Queues", &a), Verdict::Match);
        assert_eq!(verdict("scope:DU.", &a), Verdict::NoMatch);
        // The name is not a scope.
        assert_eq!(verdict("scope:bot", &a), Verdict::NoMatch);
    }

    #[test]
    fn everything_must_hold_together_with_the_text() {
        let a = app("Invoice Bot", true, &[Some(-2.0), Some(5.0)], &["OR.Jobs"]);
        assert_eq!(
            verdict(
                "invoice kind:confidential state:expired expires:<1w scope:jobs",
                &a
            ),
            Verdict::Match
        );
        assert_eq!(verdict("invoice kind:public", &a), Verdict::NoMatch);
        assert_eq!(verdict("invoice   bot", &a), Verdict::Match, "one phrase");
        assert_eq!(verdict("bot invoice", &a), Verdict::NoMatch, "one phrase");
        assert_eq!(verdict("invoice robot", &a), Verdict::NoMatch);
        assert_eq!(verdict("state:novalid invoice", &a), Verdict::NoMatch);
    }

    #[test]
    fn apps_not_loaded_cannot_be_judged_on_details() {
        let mut a = app("Invoice Bot", true, &[], &[]);
        a.details = Details::Unknown;
        for f in [
            "state:novalid",
            "state:expired",
            "expires:<14d",
            "scope:OR",
            "jobs",
        ] {
            assert_eq!(verdict(f, &a), Verdict::NotLoaded, "{f}");
        }
        // What is known still rules it out.
        assert_eq!(verdict("kind:public state:novalid", &a), Verdict::NoMatch);
        let mut public = app("Mobile", false, &[], &["OR.Jobs"]);
        public.details = Details::Unknown;
        for f in ["state:novalid", "state:expired", "expires:<14d"] {
            assert_eq!(
                verdict(f, &public),
                Verdict::NoMatch,
                "{f}: public apps have no secrets"
            );
        }
        assert_eq!(verdict("scope:OR", &public), Verdict::NotLoaded);
        assert_eq!(verdict("invoice", &a), Verdict::Match, "found in the name");
    }

    #[test]
    fn malformed_qualifiers_are_left_out_and_said() {
        for (text, says) in [
            ("kind:robot", "kind is public or confidential"),
            ("kind:", "needs a value"),
            ("state:fine", "state is novalid or expired"),
            ("expires:<14x", "not a length of time"),
            ("expires:<", "needs a length of time"),
            ("expires:>14d", "only <"),
            ("expires:<14", "not a length of time"),
            ("expires:<101y", "not a length of time"),
            ("scope:", "needs a value"),
        ] {
            let f = AppFilter::parse(&format!("bot {text}"));
            assert_eq!(f.text, "bot", "{text}");
            assert!(f.checks.is_empty() && f.scopes.is_empty(), "{text}: {f:?}");
            assert_eq!(f.problems.len(), 1, "{text}");
            assert!(f.problems[0].contains(says), "{text}: {}", f.problems[0]);
            assert!(f.problems[0].contains("not applied"), "{text}");
        }
    }

    #[test]
    fn an_unknown_qualifier_is_searched_as_text_and_said() {
        let f = AppFilter::parse("kinds:public");
        assert_eq!(f.text, "kinds:public");
        assert_eq!(f.problems.len(), 1);
        assert!(
            f.problems[0].starts_with("kinds: is not a qualifier"),
            "{f:?}"
        );
        // Ports, URIs and a trailing colon are just text.
        for text in ["localhost:12700", "https://example.com", "Bot:", "urn:12"] {
            let f = AppFilter::parse(text);
            assert!(f.problems.is_empty(), "{text}: {f:?}");
            assert_eq!(f.text, text.to_lowercase());
        }
    }

    #[test]
    fn an_empty_filter_passes_everything() {
        let f = AppFilter::parse("   ");
        assert!(f.is_empty());
        assert!(!f.uses_time());
        assert!(AppFilter::parse("state:expired").uses_time());
        assert!(!AppFilter::parse("kind:public bot").uses_time());
        let a = app("x", true, &[], &[]);
        assert_eq!(f.judge_slow(&a, now()), Verdict::Match);
    }
}
