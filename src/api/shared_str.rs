//! An immutable, cheaply cloned string for the text an organization repeats in every app: the
//! names, display names and descriptions of resources and scopes. A list of 10,000 apps holds
//! about 200,000 scopes drawn from a catalog of a few hundred; as plain `String`s that is
//! 600,000 allocations to make on every refresh and 600,000 to free when the next one arrives
//! (most of the time a refresh took). Parsing interns them, so equal texts share one
//! allocation and dropping a list only decrements counts.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SharedStr(Arc<str>);

/// Texts longer than this are not worth remembering: catalog texts are short, and a long one
/// is more likely to be unique.
const MAX_INTERNED_LEN: usize = 512;
/// How many distinct texts a thread remembers. A catalog has a few hundred scopes with three
/// texts each; the bound keeps a stream of unique texts from growing the table without end.
const MAX_INTERNED: usize = 8192;

thread_local! {
    // Per thread, so that parsing never takes a lock: each of the few threads that parse
    // lists keeps its own table, and texts are shared within everything that thread parsed.
    static INTERNED: RefCell<InternTable<str>> = RefCell::default();
}

impl SharedStr {
    /// The shared copy of `s`: the same allocation as every earlier `intern` of an equal text
    /// on this thread, while the table has room.
    pub fn intern(s: &str) -> Self {
        if s.len() > MAX_INTERNED_LEN {
            return SharedStr(Arc::from(s));
        }
        SharedStr(INTERNED.with(|table| intern_in(table, s, || Arc::from(s))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether both share one allocation (what interning promises for equal texts).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// Where shared values are looked up: with foldhash, several times faster than the default
/// SipHash on short texts (every scope of a list is looked up as it is parsed) and still
/// seeded per table, so a server cannot choose texts that collide.
pub(crate) type InternTable<T> = HashSet<Arc<T>, foldhash::fast::RandomState>;

/// The copy of `key` in `table`, or a fresh one from `make`, remembered while the table has
/// room. For tables kept per thread, one per type of shared value.
pub(crate) fn intern_in<T: Hash + Eq + ?Sized>(
    table: &RefCell<InternTable<T>>,
    key: &T,
    make: impl FnOnce() -> Arc<T>,
) -> Arc<T> {
    let mut table = table.borrow_mut();
    if let Some(found) = table.get(key) {
        return Arc::clone(found);
    }
    let fresh = make();
    if table.len() < MAX_INTERNED {
        table.insert(Arc::clone(&fresh));
    }
    fresh
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = SharedStr;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SharedStr, E> {
                Ok(SharedStr::intern(s))
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_parsed_twice_share_one_allocation() {
        let a: Vec<SharedStr> =
            serde_json::from_str(r#"["OR.Jobs","OR.Jobs","OR.Robots"]"#).unwrap();
        let b: SharedStr = serde_json::from_str(r#""OR.Jobs""#).unwrap();
        assert!(SharedStr::ptr_eq(&a[0], &a[1]));
        assert!(SharedStr::ptr_eq(&a[0], &b));
        assert!(!SharedStr::ptr_eq(&a[0], &a[2]));
        assert_eq!(a[2], "OR.Robots");
    }

    #[test]
    fn escapes_are_read_and_written_back() {
        let s: SharedStr = serde_json::from_str(r#""line\n\"quoted\" é""#).unwrap();
        assert_eq!(s.as_str(), "line\n\"quoted\" é");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#""line\n\"quoted\" é""#
        );
    }

    #[test]
    fn long_texts_are_not_remembered() {
        let long = "x".repeat(MAX_INTERNED_LEN + 1);
        assert!(!SharedStr::ptr_eq(
            &SharedStr::intern(&long),
            &SharedStr::intern(&long)
        ));
        assert_eq!(SharedStr::intern(&long).len(), MAX_INTERNED_LEN + 1);
    }

    #[test]
    fn a_non_string_is_refused_with_a_message() {
        let err = serde_json::from_str::<SharedStr>("42").unwrap_err();
        assert!(err.to_string().contains("a string"), "{err}");
    }
}
