//! The `:login` overlay: the URL to open, waiting for the browser, then who signed in. The
//! popup has no side borders and the URL is cut into rows by hand, so selecting it with the
//! mouse copies the URL and nothing else.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::domain::duration::{self, Style};
use crate::tui::flows::login::{self, LoginFlow, LoginStage};
use crate::tui::keymap::{Action, SecretKey, key_for};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

use super::app_form::centered;

pub fn render(model: &Model, flow: &LoginFlow, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Edge to edge: the panes do not show through beside a border-less popup.
    let width = area.width;
    let inner = width.max(1) as usize;
    let lines = lines(model, flow, theme, inner);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_type(BorderType::Double)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(
            format!(" Sign in as a user · app {} ", flow.client_id),
            theme.title(true),
        )));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

fn lines<'a>(model: &Model, flow: &'a LoginFlow, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let esc = key_for(Action::Back).unwrap_or_default();
    let mut out = vec![Line::from(vec![
        Span::styled("Scopes asked: ", theme.label()),
        // Scope names may come from the server (the app's own): hostile text.
        Span::raw(crate::tui::format::owned(&flow.asked().join(" "))),
    ])];
    if flow.added_offline_access() {
        out.push(Line::styled(
            format!(
                "({} added by extapps: it brings a refresh token)",
                crate::api::login::OFFLINE_ACCESS
            ),
            theme.dim(),
        ));
    }
    match &flow.stage {
        LoginStage::Preparing => {
            out.push(Line::from(""));
            out.push(Line::styled("Preparing the login…", theme.dim()));
        }
        LoginStage::Waiting {
            url,
            redirect_uri,
            browser_opened,
        } => {
            out.push(Line::from(""));
            out.push(Line::from(if *browser_opened {
                "Your browser was opened to sign in. If it did not open, visit:"
            } else {
                "Open this URL in a browser to sign in:"
            }));
            // Cut by hand: one URL character per cell, no border, no indent.
            let chars: Vec<char> = url.chars().collect();
            for chunk in chars.chunks(width.max(1)) {
                out.push(Line::styled(chunk.iter().collect::<String>(), theme.key()));
            }
            out.push(Line::from(""));
            let waited = model.now.duration_since(flow.started).as_secs().max(0);
            out.push(Line::from(format!(
                "Waiting for the browser on {redirect_uri}… ({})",
                duration::format(waited, Style::TwoUnits)
            )));
            out.push(Line::styled(
                format!("{}.", crate::api::login::register_hint(redirect_uri)),
                theme.dim(),
            ));
            out.push(Line::styled(
                format!(
                    "{} copies the URL · {esc} cancels (the listener closes)",
                    login::KEYS
                        .key_for(Action::Secret(SecretKey::CopySecret))
                        .unwrap_or_default()
                ),
                theme.dim(),
            ));
        }
        LoginStage::Done(Ok(o)) => {
            out.push(Line::from(""));
            let who = match (&o.name, &o.sub) {
                (Some(n), Some(s)) => format!("{n} ({s})"),
                (Some(n), None) => n.clone(),
                (None, Some(s)) => s.clone(),
                (None, None) => "an unnamed user".to_owned(),
            };
            out.push(Line::from(vec![
                Span::styled("Signed in as ", theme.info()),
                Span::styled(crate::tui::format::owned(&who), theme.title(true)),
            ]));
            out.push(Line::from(vec![
                Span::styled("Granted: ", theme.label()),
                Span::raw(if o.scopes.is_empty() {
                    "no scopes listed".to_owned()
                } else {
                    crate::tui::format::owned(&o.scopes.join(" "))
                }),
            ]));
            let left = o.expires_at.as_second() - model.now.as_second();
            out.push(Line::from(vec![
                Span::styled("Expires: ", theme.label()),
                Span::raw(format!(
                    "{} {} (in {}){}",
                    crate::tui::format::date(o.expires_at, &model.tz),
                    crate::tui::format::clock(o.expires_at, &model.tz),
                    duration::format(left, Style::TwoUnits),
                    if o.has_refresh {
                        "; a refresh token renews it"
                    } else {
                        "; no refresh token"
                    }
                )),
            ]));
            out.push(Line::from(match &o.kept {
                Some(Ok(path)) => format!("Tokens kept in {} (mode 0600).", path.display()),
                Some(Err(e)) => format!("The tokens could not be kept: {e}"),
                None => "Tokens not kept (no token cache in this session).".to_owned(),
            }));
            out.push(Line::from(""));
            out.push(Line::styled(
                format!(
                    "{} inspects the token's claims · {esc} closes",
                    login::KEYS.key_for(Action::Submit).unwrap_or_default()
                ),
                theme.dim(),
            ));
        }
        LoginStage::Done(Err(e)) => {
            out.push(Line::from(""));
            out.push(Line::styled("The login failed:", theme.error()));
            out.push(Line::from(e.clone()));
            out.push(Line::from(""));
            out.push(Line::styled(
                format!("{esc} closes; :login starts again"),
                theme.dim(),
            ));
        }
    }
    out
}
