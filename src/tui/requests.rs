//! The one record of what the TUI has asked the worker and not yet heard back about. An id is
//! handed out by `start`; the entry goes when the request's final answer arrives (`update`
//! calls `answered` once per message, before any flow sees it) or when an effect stopped the
//! request so that no answer will ever come (`withdraw`). Flows keep the ids they wait for,
//! never the bookkeeping.

use std::collections::BTreeMap;

use super::effect::{Effect, RequestId};
use super::model::RequestKind;

#[derive(Debug)]
pub struct Requests {
    next: u64,
    in_flight: BTreeMap<RequestId, RequestKind>,
}

impl Default for Requests {
    fn default() -> Self {
        Requests {
            next: 1,
            in_flight: BTreeMap::new(),
        }
    }
}

impl Requests {
    /// A new id, never handed out before in this process's TUI (a profile switch keeps the
    /// tracker), so that no answer to an old request can pass for a new one.
    pub fn start(&mut self, kind: RequestKind) -> RequestId {
        let req = RequestId(self.next);
        self.next += 1;
        self.in_flight.insert(req, kind);
        req
    }

    /// The final answer to `req` arrived. A duplicate or unknown answer changes nothing.
    pub fn answered(&mut self, req: RequestId) -> Option<RequestKind> {
        self.in_flight.remove(&req)
    }

    /// What `req` asked for, while it is in flight.
    pub fn kind(&self, req: RequestId) -> Option<RequestKind> {
        self.in_flight.get(&req).copied()
    }

    /// `req` was stopped by an effect (a cancelled login): no answer will come for it.
    pub fn withdraw(&mut self, req: RequestId) {
        self.in_flight.remove(&req);
    }

    pub fn contains_key(&self, req: &RequestId) -> bool {
        self.in_flight.contains_key(req)
    }

    pub fn len(&self) -> usize {
        self.in_flight.len()
    }

    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &RequestId> {
        self.in_flight.keys()
    }

    /// What is in flight, by kind, oldest first.
    pub fn kinds(&self) -> impl Iterator<Item = RequestKind> + '_ {
        self.in_flight.values().copied()
    }
}

/// An answer of another shape than its request's kind: a bug in the worker, logged (without
/// the answer, which may carry a secret) and dropped.
pub fn unexpected(req: RequestId, kind: RequestKind) -> Vec<Effect> {
    tracing::warn!(?req, ?kind, "an answer that does not fit its request");
    Vec::new()
}

#[cfg(test)]
mod tests {
    //! What the model has in flight is exactly what it asked and has not heard back about,
    //! counting a request a cancel withdrew as settled: the monkey test's invariant, on the
    //! two paths where an answer can outlive the flow that asked.

    use std::collections::BTreeSet;

    use jiff::Timestamp;

    use crate::tui::effect::{Effect, RequestId};
    use crate::tui::flows::login::LoginAnswer;
    use crate::tui::keymap::Action;
    use crate::tui::msg::{ApiResult, Msg, SwitchInfo, TextEdit};
    use crate::tui::{Model, TuiOptions, update};

    /// The world as the worker sees it: asked, not yet answered, not withdrawn.
    #[derive(Default)]
    struct Outside {
        outstanding: BTreeSet<RequestId>,
    }

    impl Outside {
        fn send(&mut self, model: &mut Model, msg: Msg) -> Vec<Effect> {
            if let Msg::Api { req, result } = &msg
                && result.is_final()
            {
                self.outstanding.remove(req);
            }
            let effects = update(model, msg);
            for e in &effects {
                match e {
                    Effect::CancelLogin { req } => {
                        self.outstanding.remove(req);
                    }
                    other => self.outstanding.extend(other.request()),
                }
            }
            let in_flight: BTreeSet<RequestId> = model.requests.keys().copied().collect();
            assert_eq!(in_flight, self.outstanding, "in flight vs unanswered");
            effects
        }

        fn command(&mut self, model: &mut Model, line: &str) -> Vec<Effect> {
            self.send(model, Msg::Key(Action::OpenCommand));
            for c in line.chars() {
                self.send(model, Msg::Key(Action::Edit(TextEdit::Insert(c))));
            }
            self.send(model, Msg::Key(Action::Submit))
        }
    }

    fn started() -> (Model, Outside) {
        let mut model = Model::new(
            TuiOptions {
                identity_host: "cloud.uipath.com".into(),
                ..TuiOptions::default()
            },
            Timestamp::UNIX_EPOCH,
        );
        let mut outside = Outside::default();
        let effects = outside.send(&mut model, Msg::Init);
        let [Effect::LoadApps { req }] = effects[..] else {
            panic!("{effects:?}")
        };
        let apps = ApiResult::Apps {
            apps: Ok(Vec::new()),
            token_expires: None,
        };
        outside.send(&mut model, Msg::Api { req, result: apps });
        (model, outside)
    }

    #[test]
    fn a_cancelled_login_is_withdrawn_and_its_late_answer_changes_nothing() {
        let (mut model, mut outside) = started();
        let effects = outside.command(&mut model, "login my-app OR.Jobs");
        let [Effect::StartLogin { req, .. }] = effects[..] else {
            panic!("{effects:?}")
        };
        let url = LoginAnswer::Url {
            url: "http://127.0.0.1:1/authorize".into(),
            redirect_uri: "http://localhost:12700".into(),
            browser_opened: false,
        };
        let result = ApiResult::Login(url);
        outside.send(&mut model, Msg::Api { req, result });
        assert!(
            model.requests.contains_key(&req),
            "the URL is not the last answer"
        );
        let effects = outside.send(&mut model, Msg::Key(Action::Back));
        assert_eq!(effects, vec![Effect::CancelLogin { req }]);
        assert!(
            !model.requests.contains_key(&req),
            "withdrawn: no answer will come"
        );
        // A Done the task sent just before it was stopped: nobody waits for it.
        let late = ApiResult::Login(LoginAnswer::Done(Err("late".into())));
        outside.send(&mut model, Msg::Api { req, result: late });
    }

    #[test]
    fn a_superseded_profile_switch_stays_in_flight_until_its_answer() {
        let (mut model, mut outside) = started();
        let first = outside.command(&mut model, "profile a");
        let second = outside.command(&mut model, "profile b");
        let ([Effect::SwitchProfile { req: a, .. }], [Effect::SwitchProfile { req: b, .. }]) =
            (&first[..], &second[..])
        else {
            panic!("{first:?} {second:?}")
        };
        let (a, b) = (*a, *b);
        assert!(
            model.requests.contains_key(&a),
            "still running on the worker"
        );
        let switched = |profile: &str| {
            ApiResult::ProfileSwitched(Ok(SwitchInfo {
                profile: profile.into(),
                organization: "org".into(),
                identity_host: "cloud.uipath.com".into(),
                read_only: false,
                insecure: false,
                auto_refresh: None,
                warnings: Vec::new(),
            }))
        };
        // The newer switch answers first and starts over; the older one's answer is stale
        // but still settles its request.
        outside.send(
            &mut model,
            Msg::Api {
                req: b,
                result: switched("b"),
            },
        );
        assert_eq!(model.opts.profile.as_deref(), Some("b"));
        outside.send(
            &mut model,
            Msg::Api {
                req: a,
                result: switched("a"),
            },
        );
        assert_eq!(
            model.opts.profile.as_deref(),
            Some("b"),
            "a stale switch is dropped"
        );
    }

    /// The tracker says whose answer it is: an answer to a request never asked (or answered
    /// already) reaches no flow, even one that would not check the id itself.
    #[test]
    fn an_answer_to_a_request_not_in_flight_changes_nothing() {
        let (mut model, _) = started();
        let toasts = model.toasts.len();
        let copied = || ApiResult::Copied {
            what: "client id x".into(),
            result: Ok("tmux clipboard (OSC 52)".into()),
        };
        update(
            &mut model,
            Msg::Api {
                req: RequestId(4242),
                result: copied(),
            },
        );
        assert_eq!(model.toasts.len(), toasts, "{:?}", model.toasts);
        // The same answer to a copy the model asked: routed by its kind, told once.
        let req = model.requests.start(crate::tui::model::RequestKind::Copy);
        update(
            &mut model,
            Msg::Api {
                req,
                result: copied(),
            },
        );
        assert_eq!(model.toasts.len(), toasts + 1, "{:?}", model.toasts);
        update(
            &mut model,
            Msg::Api {
                req,
                result: copied(),
            },
        );
        assert_eq!(model.toasts.len(), toasts + 1, "a duplicate is stale");
    }
}
