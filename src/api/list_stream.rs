//! A JSON list parsed as its body arrives, element by element.
//!
//! The app list of a large organization is tens of megabytes. Collected whole and then parsed,
//! its parse started only once the last byte was in, and the body, the list parsed from it and
//! (in the TUI) the list it replaces were all held at once. Here each element is parsed as
//! soon as its closing byte arrives, from the chunk it lies in (or, when it spans chunks, from
//! a copy of its own bytes only), and every chunk is dropped once read: the parse keeps pace
//! with the network, and the body is never held whole.
//!
//! A scan finds where each element ends (depth of brackets outside strings); serde_json parses
//! the element and reports its errors. The scan itself checks only what lies between elements.

use serde::de::DeserializeOwned;

/// How much of the body an error quotes (see `error::snippet`), and one byte more to tell
/// that there was more.
const HEAD: usize = 121;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before the opening `[`.
    Start,
    /// Just after `[`: an element or `]`.
    Open,
    /// In an element (or the whitespace before it).
    Element,
    /// After the closing `]`: whitespace only.
    End,
}

/// The elements of a JSON list, parsed as its chunks arrive.
pub struct ListStream<T> {
    items: Vec<T>,
    place: Place,
    /// Brackets and braces open in the current element.
    depth: u32,
    in_string: bool,
    /// The previous byte was a backslash inside a string.
    escaped: bool,
    /// The current element's bytes that arrived in earlier chunks.
    pending: Vec<u8>,
    head: Vec<u8>,
    /// Bytes taken in so far.
    seen: usize,
}

impl<T> Default for ListStream<T> {
    fn default() -> Self {
        ListStream {
            items: Vec::new(),
            place: Place::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            pending: Vec::new(),
            head: Vec::new(),
            seen: 0,
        }
    }
}

impl<T: DeserializeOwned> ListStream<T> {
    /// The body's first bytes, for an error to quote.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Takes in the next chunk of the body, parsing every element it completes. The error
    /// says what is wrong, for a message about the body.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), String> {
        if self.head.len() < HEAD {
            let n = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..n]);
        }
        let base = self.seen;
        self.seen += chunk.len();
        let mut i = 0;
        // Where the current element's bytes begin in this chunk.
        let mut start = 0;
        while i < chunk.len() {
            match self.place {
                Place::Start | Place::Open | Place::End => {
                    let b = chunk[i];
                    if b.is_ascii_whitespace() {
                        i += 1;
                        continue;
                    }
                    match (self.place, b) {
                        (Place::Start, b'[') => self.place = Place::Open,
                        (Place::Open, b']') => self.place = Place::End,
                        (Place::Open, _) => {
                            self.place = Place::Element;
                            start = i;
                            continue;
                        }
                        (Place::Start, _) => {
                            return Err(format!("expected a list at byte {}", base + i));
                        }
                        _ => {
                            return Err(format!(
                                "trailing characters after the list at byte {}",
                                base + i
                            ));
                        }
                    }
                    i += 1;
                }
                Place::Element => match self.scan(chunk, i) {
                    Some((end, last)) => {
                        self.element(&chunk[start..end], base + end)?;
                        i = end + 1;
                        start = i;
                        if last {
                            self.place = Place::End;
                        }
                    }
                    None => {
                        self.pending.extend_from_slice(&chunk[start..]);
                        i = chunk.len();
                    }
                },
            }
        }
        Ok(())
    }

    /// The elements, once the body has ended.
    pub fn finish(mut self) -> Result<Vec<T>, String> {
        self.take_items()
    }

    fn take_items(&mut self) -> Result<Vec<T>, String> {
        match self.place {
            Place::End => Ok(std::mem::take(&mut self.items)),
            Place::Start if self.seen == 0 => Err("the body is empty".to_owned()),
            _ => Err(format!(
                "the body ended at byte {} before the list did",
                self.seen
            )),
        }
    }

    /// Finds the end of the current element from `from`: the offset of the `,` or `]` after
    /// it, and whether that `]` closed the list. `None`: not in this chunk.
    fn scan(&mut self, chunk: &[u8], mut i: usize) -> Option<(usize, bool)> {
        while i < chunk.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                // Strings are most of the bytes: jump to the next byte that matters in one.
                match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                    None => return None,
                    Some(k) => {
                        i += k;
                        if chunk[i] == b'"' {
                            self.in_string = false;
                        } else {
                            self.escaped = true;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            match chunk[i] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b',' if self.depth == 0 => return Some((i, false)),
                b']' if self.depth == 0 => return Some((i, true)),
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// Parses one element: `tail` is its part in the current chunk, after what `pending` holds.
    fn element(&mut self, tail: &[u8], at: usize) -> Result<(), String> {
        let parsed = if self.pending.is_empty() {
            parse(tail)
        } else {
            self.pending.extend_from_slice(tail);
            let parsed = parse(&self.pending);
            self.pending.clear();
            parsed
        };
        let item = parsed.map_err(|e| {
            format!(
                "element {} (ending at byte {at}): {e}",
                self.items.len() + 1
            )
        })?;
        self.items.push(item);
        Ok(())
    }
}

/// One element: its UTF-8 checked once, whole (a vectorised pass), then read by serde_json's
/// `&str` reader, which trusts it, instead of checking every string on its own: a tenth of
/// the parse of a large list.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl<T: DeserializeOwned> super::http::Intake for ListStream<T> {
    type Output = Vec<T>;

    fn push(&mut self, chunk: &[u8]) -> Result<(), String> {
        ListStream::push(self, chunk)
    }

    fn finish(&mut self) -> Result<Vec<T>, String> {
        self.take_items()
    }

    fn head(&self) -> &[u8] {
        ListStream::head(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunked<T: DeserializeOwned>(body: &[u8], size: usize) -> Result<Vec<T>, String> {
        let mut s = ListStream::default();
        for c in body.chunks(size.max(1)) {
            s.push(c)?;
        }
        s.finish()
    }

    #[test]
    fn a_list_split_anywhere_parses_as_serde_json_parses_it_whole() {
        let body = br#" [ {"a": "x,]}\"\\", "b": [1, {"c": []}]}, {"a": "\u00e9\\"} ,{}] "#;
        let whole: Vec<serde_json::Value> = serde_json::from_slice(body).unwrap();
        for size in 1..=body.len() {
            assert_eq!(
                chunked::<serde_json::Value>(body, size).unwrap(),
                whole,
                "{size}"
            );
        }
        assert!(chunked::<serde_json::Value>(b"[]", 1).unwrap().is_empty());
        assert_eq!(chunked::<u8>(b"[1,2 , 3]", 2).unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn what_is_not_a_whole_list_is_an_error() {
        for bad in [
            &b""[..],
            b"<html>",
            br#"[{"name":"a","id":"#,
            b"[1,]",
            b"[1 2]",
            b"[1]x",
            b"[",
            b"{}",
            br#"["unterminated]"#,
        ] {
            for size in [1, 3, 100] {
                let got = chunked::<serde_json::Value>(bad, size);
                assert!(got.is_err(), "{:?} in chunks of {size}: {got:?}", bad);
            }
        }
    }

    #[test]
    fn an_element_that_is_not_utf8_is_an_error_that_says_so() {
        let body = b"[\"ok\", \"caf\xe9\"]";
        for size in [1, 4, 100] {
            let got = chunked::<String>(body, size);
            let err = got.expect_err("Latin-1 is not JSON text");
            assert!(
                err.contains("element 2") && err.contains("not UTF-8"),
                "{err}"
            );
        }
    }

    /// A list of `n` objects, about 3 MB for 20,000 (many chunks); element `bad` (from 0), if
    /// any, has a trailing comma, which only the parse refuses.
    fn big_body(n: usize, bad: Option<usize>) -> (Vec<u8>, Vec<serde_json::Value>) {
        let values: Vec<serde_json::Value> = (0..n)
            .map(|i| serde_json::json!({"i": i, "pad": "é".repeat(40 + i % 60)}))
            .collect();
        let texts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let t = v.to_string();
                if Some(i) == bad {
                    format!("{},}}", &t[..t.len() - 1])
                } else {
                    t
                }
            })
            .collect();
        (format!("[{}]", texts.join(",")).into_bytes(), values)
    }

    #[test]
    fn a_large_list_keeps_its_order_and_numbers_its_errors() {
        let (body, values) = big_body(20_000, None);
        for size in [997, 65_536, body.len()] {
            let got: Vec<serde_json::Value> = chunked(&body, size).unwrap();
            assert!(got == values, "in chunks of {size}: not the same list");
        }
        for bad in [3, 15_000, 19_999] {
            let (body, _) = big_body(20_000, Some(bad));
            let err = chunked::<serde_json::Value>(&body, 65_536).unwrap_err();
            assert!(err.starts_with(&format!("element {} ", bad + 1)), "{err}");
        }
    }

    #[test]
    fn the_head_is_kept_for_the_error_message() {
        let body = vec![b' '; 500];
        let mut s = ListStream::<u8>::default();
        for c in body.chunks(7) {
            s.push(c).unwrap();
        }
        assert_eq!(s.head().len(), HEAD);
    }

    proptest! {
        #[test]
        fn any_value_list_in_any_chunks(
            values in proptest::collection::vec(any_json(), 0..8),
            size in 1usize..40,
            pretty in any::<bool>(),
        ) {
            let body = if pretty {
                serde_json::to_vec_pretty(&values).unwrap()
            } else {
                serde_json::to_vec(&values).unwrap()
            };
            prop_assert_eq!(chunked::<serde_json::Value>(&body, size).unwrap(), values);
        }
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            "[\\[\\]{},\"\\\\a-z é\\u{1}]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z\\]\",]{0,4}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
