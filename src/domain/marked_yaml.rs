//! YAML (and JSON, which YAML 1.2 contains) read into a small tree whose every node knows its
//! line and column, so that a definition file's mistakes can be reported where they are.
//! serde's YAML readers keep positions only for syntax errors; a scope unknown to the catalog
//! is a fact about a value, found after parsing, and needs the value's position too.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A place in the file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

impl From<Marker> for Pos {
    fn from(m: Marker) -> Self {
        // yaml-rust2 counts lines from 1 and columns from 0.
        Pos {
            line: m.line(),
            col: m.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Every scalar is kept as its text: a name `yes` or `1e3` is a name, not a bool or a number.
    Scalar {
        text: String,
        /// Written as a plain `~`, `null` or nothing at all.
        null: bool,
        at: Pos,
    },
    Seq(Vec<Node>, Pos),
    Map(Vec<(Node, Node)>, Pos),
}

impl Node {
    pub fn at(&self) -> Pos {
        match self {
            Node::Scalar { at, .. } | Node::Seq(_, at) | Node::Map(_, at) => *at,
        }
    }

    pub fn what(&self) -> &'static str {
        match self {
            Node::Scalar { null: true, .. } => "nothing",
            Node::Scalar { .. } => "a single value",
            Node::Seq(..) => "a list",
            Node::Map(..) => "a mapping",
        }
    }
}

/// A syntax error, or a construct the files do not use (anchors and aliases: an alias could
/// multiply a small file into a huge one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Pos,
    pub message: String,
}

/// The first document of `text` as a tree; an empty file is `None`.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        at: (*e.marker()).into(),
        message: e.info().to_owned(),
    })?;
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.root)
}

#[derive(Default)]
struct Builder {
    /// Open lists and mappings; a mapping's entries are flattened key, value, key, value.
    stack: Vec<(Open, Vec<Node>, Pos)>,
    root: Option<Node>,
    error: Option<SyntaxError>,
}

#[derive(Clone, Copy)]
enum Open {
    Seq,
    Map,
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, items, _)) => items.push(node),
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }

    fn close(&mut self) {
        let Some((open, items, at)) = self.stack.pop() else {
            return;
        };
        let node = match open {
            Open::Seq => Node::Seq(items, at),
            Open::Map => {
                // A mapping's position is its first key's: the parser marks mappings late.
                let at = items.first().map(Node::at).unwrap_or(at);
                let mut entries = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                Node::Map(entries, at)
            }
        };
        self.push(node);
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let at = Pos::from(mark);
        match ev {
            Event::Scalar(_, _, anchor, _) if anchor > 0 => {
                self.error = Some(anchor_error(at));
            }
            Event::Scalar(text, style, _, _) => {
                let null = style == yaml_rust2::scanner::TScalarStyle::Plain
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                self.push(Node::Scalar { text, null, at });
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) if anchor > 0 => {
                self.error = Some(anchor_error(at));
            }
            Event::SequenceStart(..) => self.stack.push((Open::Seq, Vec::new(), at)),
            Event::MappingStart(..) => self.stack.push((Open::Map, Vec::new(), at)),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(_) => self.error = Some(anchor_error(at)),
            _ => {}
        }
    }
}

fn anchor_error(at: Pos) -> SyntaxError {
    SyntaxError {
        at,
        message: "anchors and aliases (& and *) are not supported in a definition file".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_line_and_column() {
        let root = parse("apps:\n  - name: x\n    scopes: {R: {a: user}}\n")
            .unwrap()
            .unwrap();
        let Node::Map(top, at) = &root else {
            panic!("{root:?}")
        };
        assert_eq!(*at, Pos { line: 1, col: 1 });
        let Node::Seq(apps, _) = &top[0].1 else {
            panic!()
        };
        let Node::Map(app, _) = &apps[0] else {
            panic!()
        };
        assert_eq!(app[0].1.at(), Pos { line: 2, col: 11 });
        assert_eq!(app[1].0.at(), Pos { line: 3, col: 5 });
    }

    #[test]
    fn json_reads_too_and_scalars_stay_text() {
        let root = parse(r#"{"a": [yes, 1e3, "null", null]}"#)
            .unwrap()
            .unwrap();
        let Node::Map(top, _) = root else { panic!() };
        let Node::Seq(items, _) = &top[0].1 else {
            panic!()
        };
        let texts: Vec<(&str, bool)> = items
            .iter()
            .map(|n| match n {
                Node::Scalar { text, null, .. } => (text.as_str(), *null),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("yes", false),
                ("1e3", false),
                ("null", false),
                ("null", true)
            ]
        );
    }

    #[test]
    fn aliases_and_syntax_errors_say_where() {
        let e = parse("a: &x [1]\nb: *x\n").unwrap_err();
        assert!(e.message.contains("aliases"), "{e:?}");
        let e = parse("a: [1,\nb: 2\n  c").unwrap_err();
        assert!(e.at.line >= 2, "{e:?}");
        assert_eq!(parse("").unwrap(), None);
    }
}
