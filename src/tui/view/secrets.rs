//! Pane 3: the selected app's secrets, soonest expiry first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use crate::tui::format;
use crate::tui::model::{Mode, Model, Pane, secrets_by_expiry};
use crate::tui::theme::Theme;

use super::pane_block;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Pane::Secrets && model.mode() == Mode::Normal;
    let app = model.selected_app();
    let count = match app {
        Some(a) if !a.details_known() => "…".to_owned(),
        a => a.map_or(0, |a| a.secrets.len()).to_string(),
    };
    let mut title = vec![
        Span::styled(" 3 Secrets ", theme.title(focused)),
        Span::styled(format!("{count} "), theme.dim()),
    ];
    // Details from an earlier run are shown at once, but say how old they are.
    if let Some(app) = app
        && model.details.is_cached(&app.id)
        && let Some(read) = model.details.read_at(&app.id)
    {
        title.push(Span::styled(
            format!(
                "· from cache, {} old ",
                crate::tui::details::age(read, model.now)
            ),
            theme.dim(),
        ));
    }
    let title = Line::from(title);
    let block = pane_block(theme, Some((Pane::Secrets, model)), title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(app) = app else {
        return;
    };
    if !app.details_known() {
        frame.render_widget(
            Paragraph::new(super::not_loaded(model, &app.id)).style(theme.dim()),
            inner,
        );
        return;
    }
    if app.secrets.is_empty() {
        let text = if app.is_confidential {
            "No secret: this app cannot get tokens with client credentials."
        } else {
            "Public app: no secrets; users sign in through a redirect URI."
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let secrets = secrets_by_expiry(app);
    let with_created = inner.width >= 48;
    let mut header = vec!["Id", "Description"];
    if with_created {
        header.push("Created");
    }
    header.extend(["Expires", "Left"]);
    // Ids are shown whole (the column is as wide as the longest), and the description gets
    // what is left, cut with `…` where it must be: a table cell would cut it silently.
    let id_w = secrets
        .iter()
        .map(|s| s.id.to_string().len())
        .max()
        .unwrap_or(0)
        .max(6);
    let fixed = id_w + if with_created { 10 + 1 } else { 0 } + 10 + 7 + 4;
    let desc_w = (inner.width as usize).saturating_sub(fixed);
    let window = model
        .secrets
        .window(secrets.len(), inner.height.saturating_sub(1) as usize);
    let rows = secrets[window.clone()].iter().enumerate().map(|(i, s)| {
        let urgency = format::urgency(s.expiry_time, model.now);
        let mut cells = vec![
            Line::from(s.id.to_string()),
            Line::from(format::truncate(
                s.description.as_deref().unwrap_or("-"),
                desc_w,
            )),
        ];
        if with_created {
            cells.push(Line::from(format::date(s.creation_time, &model.tz)));
        }
        cells.push(Line::from(s.expiry_time.map_or_else(
            || "never".to_owned(),
            |t| format::date(t, &model.tz),
        )));
        cells.push(
            Line::from(Span::styled(
                format::time_left(s.expiry_time, model.now),
                theme.urgency(urgency),
            ))
            .right_aligned(),
        );
        let row = Row::new(cells);
        if focused && window.start + i == model.secrets.index {
            row.style(theme.selected(true))
        } else {
            row
        }
    });
    let mut widths = vec![Constraint::Length(id_w as u16), Constraint::Fill(1)];
    if with_created {
        widths.push(Constraint::Length(10));
    }
    widths.extend([Constraint::Length(10), Constraint::Length(7)]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.column_header()))
            .column_spacing(1),
        inner,
    );
}
