//! Where the user is in a list, written into the list's bottom border: the cursor's row of
//! how many (`12/17`, `12/340 of 10017` when filtered), and how many rows the pane does not
//! show above and below it (`▲ 3 more`, `▼ 40 more`), so a cut-off list never looks whole.

use std::ops::Range;

use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::tui::theme::Theme;

/// `12/17`: the cursor's row (from 1) of `len`; `0/0` for an empty list.
pub fn of(index: usize, len: usize) -> String {
    if len == 0 {
        "0/0".to_owned()
    } else {
        format!("{}/{len}", index.min(len - 1) + 1)
    }
}

/// `31–58 of 95`: the lines a scrolled text shows.
pub fn lines(shown: &Range<usize>, total: usize) -> String {
    if shown.is_empty() {
        format!("0 of {total}")
    } else {
        format!("{}–{} of {total}", shown.start + 1, shown.end)
    }
}

/// `▲ 3 more ▼ 40 more`, or nothing when every row is on screen.
pub fn scroll_hint(shown: &Range<usize>, len: usize) -> Option<String> {
    let above = shown.start;
    let below = len.saturating_sub(shown.end);
    let parts: Vec<String> = [(above, "▲"), (below, "▼")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, arrow)| format!("{arrow} {n} more"))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The block with the position at the left of its bottom border and the scroll hint at the
/// right.
pub fn footer<'a>(
    block: Block<'a>,
    theme: &Theme,
    position: String,
    shown: &Range<usize>,
    len: usize,
) -> Block<'a> {
    let block = block.title_bottom(Line::from(Span::styled(
        format!(" {position} "),
        theme.dim(),
    )));
    match scroll_hint(shown, len) {
        Some(hint) => block.title_bottom(
            Line::from(Span::styled(format!(" {hint} "), theme.dim())).right_aligned(),
        ),
        None => block,
    }
}

/// The footer of a scrolled text of `total` lines showing `page` of them from `top`: the lines
/// shown (`31–58 of 95`) and what is above and below them.
pub fn text_footer<'a>(
    block: Block<'a>,
    theme: &Theme,
    top: usize,
    page: usize,
    total: usize,
) -> Block<'a> {
    let shown = top..(top + page).min(total);
    footer(block, theme, lines(&shown, total), &shown, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_from_one_and_hints_name_what_is_hidden() {
        assert_eq!(of(11, 17), "12/17");
        assert_eq!(of(0, 0), "0/0");
        assert_eq!(lines(&(30..58), 95), "31–58 of 95");
        assert_eq!(scroll_hint(&(0..17), 17), None);
        assert_eq!(scroll_hint(&(0..20), 60).as_deref(), Some("▼ 40 more"));
        assert_eq!(
            scroll_hint(&(3..20), 60).as_deref(),
            Some("▲ 3 more ▼ 40 more")
        );
    }
}
