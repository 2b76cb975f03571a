//! The `?` overlay, generated from the keymap table (and the command list), grouped by pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::keymap::{COMMANDS, MARKS, help_sections};
use crate::tui::model::Model;
use crate::tui::overlay::help_order;
use crate::tui::theme::Theme;

const KEY_WIDTH: usize = 14;

/// The help as sections of lines; each section starts with its title.
fn sections(theme: &Theme) -> Vec<Vec<Line<'static>>> {
    let mut out: Vec<Vec<Line<'static>>> = help_sections(&help_order())
        .into_iter()
        .map(|(group, entries)| {
            let mut lines = vec![Line::from(Span::styled(
                group.title(),
                theme.column_header(),
            ))];
            lines.extend(entries.into_iter().map(|(keys, help)| {
                Line::from(vec![
                    Span::styled(format!("  {keys:<KEY_WIDTH$}"), theme.key()),
                    Span::raw(help),
                ])
            }));
            lines
        })
        .collect();
    let mut commands = vec![Line::from(Span::styled("Commands", theme.column_header()))];
    commands.extend(COMMANDS.iter().map(|(name, arg, help)| {
        let call = if arg.is_empty() {
            format!(":{name}")
        } else {
            format!(":{name} {arg}")
        };
        Line::from(vec![
            Span::styled(format!("  {call:<KEY_WIDTH$}"), theme.key()),
            Span::raw(*help),
        ])
    }));
    out.push(commands);
    let mut marks = vec![Line::from(Span::styled(
        "Apps list: the Expires column",
        theme.column_header(),
    ))];
    marks.extend(MARKS.iter().map(|(mark, help)| {
        Line::from(vec![
            Span::styled(format!("  {mark:<KEY_WIDTH$} "), theme.key()),
            Span::raw(*help),
        ])
    }));
    out.push(marks);
    out
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let popup = area;
    frame.render_widget(Clear, popup);
    let mut title = " Keys · j/k scroll · Esc closes ".to_owned();
    if let Some(path) = &model.opts.log_path {
        title.push_str(&format!("· log: {} ", path.display()));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(title, theme.title(true))));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let sections = sections(theme);
    let total: usize = sections.iter().map(Vec::len).sum::<usize>() + sections.len();
    let columns = if inner.width >= 96 { 2 } else { 1 };
    let mut cols: Vec<Vec<Line>> = vec![Vec::new(); columns];
    // Blank lines between sections only when everything still fits; sections are never
    // split across columns, and a column takes as much as the screen allows.
    let room = inner.height as usize * columns;
    let spacious = total <= room;
    let per_column = inner.height as usize;
    let mut col = 0;
    for section in sections {
        let gap = usize::from(spacious && !cols[col].is_empty());
        if col + 1 < columns
            && !cols[col].is_empty()
            && cols[col].len() + gap + section.len() > per_column
        {
            col += 1;
        }
        if spacious && !cols[col].is_empty() {
            cols[col].push(Line::from(""));
        }
        cols[col].extend(section);
    }
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns]).split(inner);
    let scroll = model
        .help
        .index
        .min(total.saturating_sub(inner.height as usize)) as u16;
    for (lines, area) in cols.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), *area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `update` scrolls the help by the keymap's count; it must be what is drawn.
    #[test]
    fn the_keymap_counts_the_lines_drawn() {
        let sections = sections(&Theme { color: false });
        let drawn = sections.iter().map(Vec::len).sum::<usize>() + sections.len();
        assert_eq!(crate::tui::keymap::help_line_count(&help_order()), drawn);
    }
}
