//! The one record of what the TUI has asked the worker and not yet heard back about. An id is
//! handed out by `start`; the entry goes when the request's final answer arrives (`update`
//! calls `answered` once per message, before any flow sees it) or when an effect stopped the
//! request so that no answer will ever come (`withdraw`). Flows keep the ids they wait for,
//! never the bookkeeping.

use std::collections::BTreeMap;

use super::effect::RequestId;
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
}
