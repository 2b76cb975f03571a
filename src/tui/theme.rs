//! Styles. With colour off (NO_COLOR, --no-color) every style keeps only its modifiers, which
//! is why nothing is ever told by colour alone.

use ratatui::style::{Color, Modifier, Style};

use super::format::Urgency;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn pick(&self, style: Style) -> Style {
        if self.color {
            style
        } else {
            Style {
                fg: None,
                bg: None,
                underline_color: None,
                ..style
            }
        }
    }

    pub fn header(&self) -> Style {
        self.pick(Style::new().bg(Color::Blue).fg(Color::White))
    }
    pub fn header_key(&self) -> Style {
        self.pick(
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
        )
    }
    pub fn warning_badge(&self) -> Style {
        self.pick(
            Style::new()
                .bg(Color::Yellow)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
        )
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.pick(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        } else {
            self.pick(Style::new().fg(Color::DarkGray))
        }
    }
    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.pick(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn column_header(&self) -> Style {
        self.pick(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
    }
    /// The cursor row: reversed, so it shows without colour.
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray))
    }
    pub fn label(&self) -> Style {
        self.pick(Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD))
    }
    pub fn key(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
    }
    pub fn user_scope(&self) -> Style {
        self.pick(Style::new().fg(Color::Magenta))
    }
    pub fn app_scope(&self) -> Style {
        self.pick(Style::new().fg(Color::Blue))
    }
    pub fn error(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        )
    }
    pub fn info(&self) -> Style {
        self.pick(Style::new().fg(Color::Green))
    }
    pub fn urgency(&self, u: Urgency) -> Style {
        match u {
            Urgency::Expired => self.pick(Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
            Urgency::Soon => self.pick(Style::new().fg(Color::Red)),
            Urgency::Upcoming => self.pick(Style::new().fg(Color::Yellow)),
            Urgency::Later => self.pick(Style::new().fg(Color::Green)),
            Urgency::Never | Urgency::NoSecret => self.dim(),
        }
    }
}
