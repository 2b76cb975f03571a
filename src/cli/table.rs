//! Plain text tables for terminals and pipes: columns padded to their widest cell, no colour,
//! so that `grep` and `awk` work on the output.

use std::io::Write;

use crate::domain::cells::{pad, width};
use crate::domain::sanitize;

pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: Vec<&'static str>) -> Self {
        Table {
            headers,
            rows: Vec::new(),
        }
    }

    /// Cells are mostly server text: each is sanitised here, so no caller can forget, and a
    /// newline in a name can never start a row of its own.
    pub fn row(&mut self, cells: Vec<String>) {
        let cells = cells
            .into_iter()
            .map(|c| match sanitize(&c) {
                std::borrow::Cow::Borrowed(_) => c,
                std::borrow::Cow::Owned(clean) => clean,
            })
            .collect();
        self.rows.push(cells);
    }

    pub fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        // Display cells, not chars: a CJK name takes two columns per character.
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
            let mut s = String::new();
            for (i, (c, w)) in cells.zip(&widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                s.push_str(&pad(c, *w));
            }
            s.trim_end().to_owned()
        };
        writeln!(out, "{}", line(&mut self.headers.iter().copied()))?;
        for row in &self.rows {
            writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &Table) -> String {
        let mut buf = Vec::new();
        t.write(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn wide_characters_are_padded_by_display_width() {
        let mut t = Table::new(vec!["NAME", "ID"]);
        t.row(vec!["東京".to_owned(), "1".to_owned()]);
        t.row(vec!["abcdef".to_owned(), "2".to_owned()]);
        let out = render(&t);
        let lines: Vec<&str> = out.lines().collect();
        // The ID column starts at the same display column on every line.
        let col = |l: &str, id: &str| width(&l[..l.rfind(id).unwrap()]);
        assert_eq!(col(lines[1], "1"), col(lines[2], "2"), "{out}");
        assert_eq!(col(lines[0], "ID"), col(lines[2], "2"), "{out}");
    }

    #[test]
    fn a_newline_in_a_cell_cannot_forge_a_row() {
        let mut t = Table::new(vec!["NAME", "ID"]);
        t.row(vec![
            "evil\nforged  row".to_owned(),
            "\u{1b}]0;x\u{7}".to_owned(),
        ]);
        let out = render(&t);
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }
}
