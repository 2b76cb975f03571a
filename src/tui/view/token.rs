//! The token inspector: the decoded header and claims, the scopes grouped by prefix, and what
//! the token lets extapps do. The data comes ready from `api::inspect`; this only lays it out.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::api::inspect::{Expiry, TokenView};
use crate::tui::format;
use crate::tui::theme::Theme;

/// The lines of the left column: warning, header, claims, scopes.
fn claim_lines(view: &TokenView, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(Span::styled(
            format!("⚠ {}", view.note),
            theme.warning_badge(),
        )),
        Line::default(),
        Line::from(Span::styled("Header", theme.column_header())),
    ];
    let label_width = view
        .header
        .iter()
        .chain(&view.claims)
        .map(|r| format::width(&format::clean(&r.label)))
        .max()
        .unwrap_or(8);
    let row = |r: &crate::api::inspect::Row| {
        let mut spans = vec![
            Span::styled(
                format!("  {} ", format::pad(&format::clean(&r.label), label_width)),
                theme.label(),
            ),
            Span::raw(format::owned(&r.value)),
        ];
        if let Some(d) = &r.detail {
            spans.push(Span::styled(
                format!("  ({})", format::clean(d)),
                theme.dim(),
            ));
        }
        Line::from(spans)
    };
    lines.extend(view.header.iter().map(row));
    lines.push(Line::default());
    let status = match view.expiry {
        Expiry::Unknown => "no expiry claim".to_owned(),
        Expiry::Valid { seconds_left } => format!(
            "valid for {}",
            crate::domain::duration::format(seconds_left, crate::domain::duration::Style::TwoUnits)
        ),
        Expiry::Expired { seconds_ago } => format!(
            "EXPIRED {} ago",
            crate::domain::duration::format(seconds_ago, crate::domain::duration::Style::TwoUnits)
        ),
    };
    lines.push(Line::from(vec![
        Span::styled("Claims", theme.column_header()),
        Span::styled(format!("  · {status}"), theme.dim()),
    ]));
    lines.extend(view.claims.iter().map(row));
    lines.push(Line::default());
    let count: usize = view.scopes.iter().map(|g| g.scopes.len()).sum();
    lines.push(Line::from(Span::styled(
        format!("Scopes ({count})"),
        theme.column_header(),
    )));
    if count == 0 {
        lines.push(Line::from(Span::styled("  none", theme.dim())));
    }
    // Scopes never break inside a name: each line holds whole names, under the first.
    let prefix_w = view
        .scopes
        .iter()
        .map(|g| format::width(&format::clean(&g.prefix)))
        .max()
        .unwrap_or(0);
    let indent = 2 + prefix_w + 1;
    for g in &view.scopes {
        let mut row: Vec<String> = Vec::new();
        let mut first = true;
        let flush = |row: &mut Vec<String>, first: &mut bool, lines: &mut Vec<Line<'static>>| {
            let lead = if *first {
                format!("  {} ", format::pad(&format::clean(&g.prefix), prefix_w))
            } else {
                " ".repeat(indent)
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.key()),
                Span::raw(row.join("  ")),
            ]));
            row.clear();
            *first = false;
        };
        for scope in &g.scopes {
            let scope = format::owned(scope);
            let used = format::width(&row.join("  "));
            if !row.is_empty() && indent + used + 2 + format::width(&scope) > width {
                flush(&mut row, &mut first, &mut lines);
            }
            row.push(scope);
        }
        flush(&mut row, &mut first, &mut lines);
    }
    lines
}

/// The lines of the right column: each action with ✓ and the scope that allows it, or ✗ and
/// what is missing. Text first: the marks are never only a colour.
fn permission_lines(view: &TokenView, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        "What this token allows",
        theme.column_header(),
    ))];
    for p in &view.permissions {
        let (mark, style, why) = match &p.allowed {
            Ok(scope) => ("✓ yes", theme.info(), format!("via {scope}")),
            Err(missing) => ("✗ no ", theme.error(), missing.to_string()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", p.action.label()), theme.label()),
            Span::styled(format!("{mark} "), style),
        ]));
        lines.push(Line::from(Span::styled(
            format!("      {why}"),
            theme.dim(),
        )));
    }
    lines
}

/// Renders the inspector over `area`. `scroll` moves the claims column; `source` says whose
/// token it is (the session's, or one pasted in).
pub fn render(
    view: &TokenView,
    source: &str,
    scroll: u16,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(" Token · {source} · p paste another · j/k scroll · Esc closes "),
            theme.title(true),
        )));
    let inner = block.inner(area);
    let claims_w = if inner.width >= 100 {
        (inner.width - 44) as usize
    } else {
        inner.width as usize
    };
    let claims = Paragraph::new(claim_lines(view, theme, claims_w)).wrap(Wrap { trim: false });
    let perms = Paragraph::new(permission_lines(view, theme)).wrap(Wrap { trim: false });
    let (claims_area, other) = if inner.width >= 100 {
        let [left, right] =
            Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(inner);
        (left, (perms, right))
    } else {
        // Narrow terminals: the permissions first (the question asked most), then the claims.
        let rows = (view.permissions.len() * 2 + 1) as u16;
        let [top, bottom] = Layout::vertical([
            Constraint::Length(rows.min(inner.height / 2)),
            Constraint::Min(1),
        ])
        .areas(inner);
        (
            bottom,
            (Paragraph::new(compact_permissions(view, theme)), top),
        )
    };
    // The claims column's lines as wrapped on screen: where the scroll is, and how much
    // is left below it.
    let total = claims.line_count(claims_area.width);
    let page = claims_area.height as usize;
    let top = (scroll as usize).min(total.saturating_sub(page));
    let block = super::position::text_footer(block, theme, top, page, total);
    frame.render_widget(block, area);
    frame.render_widget(claims.scroll((top as u16, 0)), claims_area);
    frame.render_widget(other.0, other.1);
}

/// One line per action, for narrow screens.
fn compact_permissions(view: &TokenView, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        "What this token allows",
        theme.column_header(),
    ))];
    for p in &view.permissions {
        let (mark, style, why) = match &p.allowed {
            Ok(scope) => ("✓", theme.info(), format!("via {scope}")),
            Err(missing) => (
                "✗",
                theme.error(),
                format!("lacks {}", missing.needs.join(" or ")),
            ),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(format!("{:<16}", p.action.label()), theme.label()),
            Span::styled(why, theme.dim()),
        ]));
    }
    lines
}
