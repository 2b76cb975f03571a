//! The `?` overlay, generated from the keymap table (and the command list), grouped by pane.
//! It is laid out for the room it has: two columns when wide, one when narrow; keys in their
//! own column, apart from what they do, both wrapped rather than cut; and it scrolls no
//! further than its last line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::format::{pad, width};
use crate::tui::keymap::{COMMANDS, MARKS, help_sections};
use crate::tui::model::Model;
use crate::tui::overlay::help_order;
use crate::tui::theme::Theme;

/// The widest the keys column gets; longer key lists wrap inside it.
const MAX_KEY_WIDTH: usize = 16;
/// Two columns only when each is at least this wide.
const MIN_COLUMN_WIDTH: usize = 46;
const COLUMN_GAP: usize = 2;

/// A section of the help: its title and (keys, what they do).
type Section = (String, Vec<(String, String)>);

fn content() -> Vec<Section> {
    let mut out: Vec<Section> = help_sections(&help_order())
        .into_iter()
        .map(|(group, entries)| {
            let entries = entries
                .into_iter()
                .map(|(keys, help)| (keys, help.to_owned()))
                .collect();
            (group.title().to_owned(), entries)
        })
        .collect();
    let commands = COMMANDS
        .iter()
        .map(|(name, arg, help)| {
            let call = if arg.is_empty() {
                format!(":{name}")
            } else {
                format!(":{name} {arg}")
            };
            (call, (*help).to_owned())
        })
        .collect();
    out.push(("Commands".to_owned(), commands));
    let marks = MARKS
        .iter()
        .map(|(mark, help)| ((*mark).to_owned(), (*help).to_owned()))
        .collect();
    out.push(("Apps list: the Expires column".to_owned(), marks));
    out
}

/// Words of `text` in lines of at most `room` cells; a word longer than that is split.
fn wrap(text: &str, room: usize) -> Vec<String> {
    let room = room.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let sep = usize::from(!line.is_empty());
        if width(&line) + sep + width(word) <= room {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if width(&line) + width(c.encode_utf8(&mut [0; 4])) > room {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The help laid out for `width`×`height` cells: its columns of lines, side by side.
pub struct HelpLayout {
    pub columns: Vec<Vec<Line<'static>>>,
}

impl HelpLayout {
    /// Lines of the longest column: how far the help scrolls.
    pub fn height(&self) -> usize {
        self.columns.iter().map(Vec::len).max().unwrap_or(0)
    }
}

pub fn layout(theme: &Theme, area_width: u16, area_height: u16) -> HelpLayout {
    let area_width = area_width as usize;
    let columns = if area_width >= 2 * MIN_COLUMN_WIDTH + COLUMN_GAP {
        2
    } else {
        1
    };
    let col_width = (area_width - COLUMN_GAP * (columns - 1)) / columns;
    let sections = content();
    let longest = sections
        .iter()
        .flat_map(|(_, entries)| entries.iter().map(|(keys, _)| width(keys)))
        .max()
        .unwrap_or(0);
    // Indent 2, keys, gap 2, text: the keys take at most a third of a narrow column.
    let key_w = longest.min(MAX_KEY_WIDTH).min(col_width / 3).max(1);
    let text_w = col_width.saturating_sub(2 + key_w + 2).max(1);
    let drawn: Vec<Vec<Line<'static>>> = sections
        .into_iter()
        .map(|(title, entries)| {
            let mut lines: Vec<Line<'static>> = wrap(&title, col_width)
                .into_iter()
                .map(|t| Line::from(Span::styled(t, theme.column_header())))
                .collect();
            for (keys, help) in entries {
                let keys = wrap(&keys, key_w);
                let text = wrap(&help, text_w);
                for row in 0..keys.len().max(text.len()) {
                    let k = keys.get(row).map_or("", String::as_str);
                    let t = text.get(row).cloned().unwrap_or_default();
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {}  ", pad(k, key_w)), theme.key()),
                        Span::raw(t),
                    ]));
                }
            }
            lines
        })
        .collect();
    // Sections are never split; a column takes as much as the screen shows, or half of all
    // when the help is taller than two screens, so that both columns scroll about evenly.
    let total: usize = drawn.iter().map(|s| s.len() + 1).sum();
    let fill = (area_height as usize).max(total.div_ceil(columns));
    let mut cols: Vec<Vec<Line<'static>>> = vec![Vec::new(); columns];
    let mut col = 0;
    for section in drawn {
        let gap = usize::from(!cols[col].is_empty());
        if col + 1 < columns
            && !cols[col].is_empty()
            && cols[col].len() + gap + section.len() > fill
        {
            col += 1;
        }
        if !cols[col].is_empty() {
            cols[col].push(Line::default());
        }
        cols[col].extend(section);
    }
    HelpLayout { columns: cols }
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let mut title = " Keys ".to_owned();
    if let Some(path) = &model.opts.log_path {
        title.push_str(&format!("· log: {} ", path.display()));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(title, theme.title(true))));
    let inner = block.inner(area);
    let laid = layout(theme, inner.width, inner.height);
    let total = laid.height();
    let page = inner.height as usize;
    let last = total.saturating_sub(page);
    // `update` scrolls by what is drawn: the page and the last scroll position.
    model.help.page.set(page);
    model.help_end.set(Some(last));
    let top = model.help.index.min(last);
    let block = super::position::text_footer(block, theme, top, page, total);
    frame.render_widget(block, area);
    let columns = laid.columns.len();
    let mut constraints = Vec::new();
    for i in 0..columns {
        if i > 0 {
            constraints.push(Constraint::Length(COLUMN_GAP as u16));
        }
        constraints.push(Constraint::Fill(1));
    }
    let areas = Layout::horizontal(constraints).split(inner);
    for (lines, area) in laid.columns.into_iter().zip(areas.iter().step_by(2)) {
        frame.render_widget(Paragraph::new(lines).scroll((top as u16, 0)), *area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn keys_never_run_into_their_text() {
        let theme = Theme { color: false };
        for w in [28, 58, 78, 118, 198] {
            let laid = layout(&theme, w, 20);
            for line in laid.columns.iter().flatten() {
                let t = text(line);
                assert!(width(&t) <= w as usize, "{w}: {t:?} is wider than the help");
                assert!(!t.contains("End scroll"), "{w}: {t:?}");
            }
        }
    }

    #[test]
    fn wrap_keeps_words_and_splits_only_what_cannot_fit() {
        assert_eq!(wrap("scroll the claims", 8), ["scroll", "the", "claims"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
