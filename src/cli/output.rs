//! What the headless commands print, and how it reaches stdout.
//!
//! One buffered writer for a command's result: Rust's stdout is line-buffered, so a table or
//! pretty JSON of thousands of apps went out as one `write` per line. A reader that goes away
//! early (`| head`) is not an error, as with any Unix tool: the rest of the output is dropped
//! and the command ends with the status its work calls for, without a message.
//!
//! JSON is written so that a terminal showing it can be tricked by nothing in it.

use std::io::{self, BufWriter, ErrorKind, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::Failure;

/// Big enough that a list of thousands of apps is a few dozen writes, small enough not to
/// matter next to the list itself.
const BUFFER: usize = 64 * 1024;

/// A buffered writer that treats a closed reader as the end of the output.
pub struct Output<W: Write> {
    inner: BufWriter<W>,
    /// The reader closed the pipe: everything after is dropped.
    reader_gone: bool,
}

/// Stdout for a command's result, buffered; hand it back with [`Output::finish`].
pub fn stdout() -> Output<io::StdoutLock<'static>> {
    Output::new(io::stdout().lock())
}

/// Runs `print` on a buffered stdout and finishes it: for commands whose output is all they do.
pub fn to_stdout(print: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
    let mut out = stdout();
    let result = print(&mut out);
    out.finish(result)
}

impl<W: Write> Output<W> {
    pub fn new(inner: W) -> Self {
        Output {
            inner: BufWriter::with_capacity(BUFFER, inner),
            reader_gone: false,
        }
    }

    /// Whether the reader went away before the output ended.
    pub fn reader_gone(&self) -> bool {
        self.reader_gone
    }

    /// Flushes what is left and returns the command's result: a write error fails a command
    /// that otherwise succeeded (a full disk must not look like a complete file), a closed
    /// reader does not, and a failing command keeps its own status and message.
    pub fn finish(mut self, result: Result<(), Failure>) -> Result<(), Failure> {
        let flushed = self.flush();
        result?;
        Ok(flushed?)
    }

    fn gone<T>(&mut self, r: io::Result<T>, otherwise: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.reader_gone = true;
                Ok(otherwise)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.reader_gone {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.gone(r, buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.reader_gone {
            return Ok(());
        }
        let r = self.inner.write_all(buf);
        self.gone(r, ())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.reader_gone {
            return Ok(());
        }
        let r = self.inner.flush();
        self.gone(r, ())
    }
}

/// Pretty JSON and a newline, written as it is produced. Server text is escaped beyond what
/// serde_json does (DEL, C1, bidi overrides), so `--json` on a terminal is as safe as the
/// tables; the text is the same as `domain::json_text` of serde_json's pretty output.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut chunks = Chunks {
        buf: Vec::with_capacity(CHUNK + CHUNK / 8),
        out,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut chunks, SafeFormatter::default());
    value.serialize(&mut ser).map_err(io::Error::other)?;
    chunks.buf.push(b'\n');
    chunks.out.write_all(&chunks.buf)
}

const CHUNK: usize = 64 * 1024;

/// Gathers serde_json's many small writes (a key, a colon, an indent) in one buffer, handed
/// on in pieces of 64 KiB: written to `&mut dyn Write` directly, each was a call of its own.
struct Chunks<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl Write for Chunks<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// serde_json's pretty layout (two spaces a level), with the characters a terminal would obey
/// escaped inside strings (outside them, JSON has only ASCII punctuation and whitespace).
///
/// The layout is written here rather than by serde_json's `PrettyFormatter` so that an indent
/// is one write instead of one per level, and so that a raw fragment (text made once and
/// repeated, see `list_json`) is indented to where it lands.
#[derive(Default)]
struct SafeFormatter {
    depth: usize,
    /// The innermost open array or object has an element.
    has_value: bool,
}

const SPACES: &[u8; 64] = b"                                                                ";

impl SafeFormatter {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let mut width = self.depth * 2;
        while width > 0 {
            let n = width.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            width -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        writer.write_all(crate::domain::sanitize::json_escaped(fragment).as_bytes())
    }

    /// A fragment laid out from depth 0 (as [`json_text`] makes it): each of its lines after
    /// the first moves in to the depth it is written at.
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment.as_bytes();
        while let Some(at) = memchr::memchr(b'\n', rest) {
            w.write_all(&rest[..=at])?;
            self.indent(w)?;
            rest = &rest[at + 1..];
        }
        w.write_all(rest)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as [`write_json`] lays it out at depth 0, without the newline, as a raw fragment
/// to be written again and again.
pub(super) fn json_fragment<T: Serialize + ?Sized>(
    value: &T,
) -> io::Result<Box<serde_json::value::RawValue>> {
    let mut text = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut text, SafeFormatter::default());
    value.serialize(&mut ser).map_err(io::Error::other)?;
    let text = String::from_utf8(text).map_err(io::Error::other)?;
    serde_json::value::RawValue::from_string(text).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the writes that reach it; fails them with `BrokenPipe` after `accept` bytes.
    struct Sink {
        writes: usize,
        bytes: Vec<u8>,
        accept: usize,
    }

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            if self.bytes.len() >= self.accept {
                return Err(ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.accept - self.bytes.len());
            self.bytes.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn sink(accept: usize) -> Sink {
        Sink {
            writes: 0,
            bytes: Vec::new(),
            accept,
        }
    }

    fn rows(n: usize) -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| serde_json::json!({"name": format!("app {i}"), "id": i, "scopes": ["a", "b"]}))
            .collect()
    }

    #[test]
    fn json_goes_out_in_buffer_sized_writes_not_lines() {
        let mut out = Output::new(sink(usize::MAX));
        write_json(&mut out, &rows(5000)).unwrap();
        out.flush().unwrap();
        let s = out.inner.get_ref();
        let lines = s.bytes.iter().filter(|&&b| b == b'\n').count();
        assert!(lines > 40_000, "{lines} lines");
        assert!(
            s.writes <= s.bytes.len() / BUFFER + 2,
            "{} writes for {} bytes",
            s.writes,
            s.bytes.len()
        );
    }

    #[test]
    fn the_json_is_serde_json_pretty_with_unsafe_characters_escaped() {
        let v = serde_json::json!([{"name": "a\u{202e}b\u{7f}\u{9b}c\"\n", "n": [1, {}], "e": []}]);
        let mut buf = Vec::new();
        write_json(&mut buf, &v).unwrap();
        let want = crate::domain::json_text(serde_json::to_string_pretty(&v).unwrap()) + "\n";
        assert_eq!(String::from_utf8(buf).unwrap(), want);
        assert!(want.contains(r"\u202e") && want.contains(r"\u007f") && want.contains(r"\u009b"));
    }

    #[test]
    fn deep_and_empty_nesting_is_laid_out_as_serde_json_does() {
        // The innermost object has scalars only: nothing but its own values says it has any.
        let mut deep = serde_json::json!({"leaf": [[], {}, [{}], "x", {"a": 1, "b": "x"}]});
        // Deeper than one write of spaces reaches.
        for i in 0..40 {
            deep = serde_json::json!({ "k": [deep, i, {}], "e": [] });
        }
        let mut buf = Vec::new();
        write_json(&mut buf, &deep).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap() + "\n"
        );
    }

    #[test]
    fn a_fragment_is_indented_to_where_it_is_written() {
        let inner = serde_json::json!({"name": "a\u{202e}", "list": [1, {"x": []}], "o": {}});
        let fragment = json_fragment(&inner).unwrap();
        assert!(fragment.get().starts_with("{\n  \""), "{}", fragment.get());
        for depth in 0..4 {
            let (mut with_value, mut with_fragment) = (inner.clone(), Vec::new());
            for _ in 0..depth {
                with_value = serde_json::json!([{"a": with_value}]);
            }
            // The same nesting around the fragment, written through a serializable wrapper.
            struct Nest<'a>(usize, &'a serde_json::value::RawValue);
            impl Serialize for Nest<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeSeq;
                    if self.0 == 0 {
                        return self.1.serialize(s);
                    }
                    let mut seq = s.serialize_seq(Some(1))?;
                    seq.serialize_element(&NestMap(self.0, self.1))?;
                    seq.end()
                }
            }
            struct NestMap<'a>(usize, &'a serde_json::value::RawValue);
            impl Serialize for NestMap<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut m = s.serialize_map(Some(1))?;
                    m.serialize_entry("a", &Nest(self.0 - 1, self.1))?;
                    m.end()
                }
            }
            write_json(&mut with_fragment, &Nest(depth, &fragment)).unwrap();
            let mut want = Vec::new();
            write_json(&mut want, &with_value).unwrap();
            assert_eq!(
                String::from_utf8(with_fragment).unwrap(),
                String::from_utf8(want).unwrap(),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn a_closed_reader_ends_the_output_quietly() {
        let mut out = Output::new(sink(10));
        write_json(&mut out, &rows(5000)).unwrap();
        writeln!(out, "more").unwrap();
        assert!(out.reader_gone());
        assert_eq!(out.inner.get_ref().bytes.len(), 10);
        assert!(out.finish(Ok(())).is_ok());
    }

    #[test]
    fn a_command_that_failed_keeps_its_failure_after_a_closed_reader() {
        let mut out = Output::new(sink(0));
        writeln!(out, "x").unwrap();
        let r = out.finish(Err(Failure::new("unknown outcome", 5)));
        assert_eq!(r.unwrap_err().code, 5);
    }

    #[test]
    fn other_write_errors_fail_the_command() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Output::new(Full);
        writeln!(out, "x").unwrap();
        let r = out.finish(Ok(()));
        assert_eq!(r.unwrap_err().code, 1);
    }
}
