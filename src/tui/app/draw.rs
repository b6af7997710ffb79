//! Drawing the whole console: header, step bar, the current screen from
//! the session's snapshot, the status line, the key bar and any overlay.

use super::*;

impl App {
    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "orderdesk needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this window is {}x{}",
                area.width, area.height
            );
            f.render_widget(Line::raw(text), Rect::new(area.x, area.y, area.width, 1));
            if area.height > 1 {
                f.render_widget(
                    Line::raw("Ctrl+C quits (the order stays a draft)"),
                    Rect::new(area.x, area.y + 1, area.width, 1),
                );
            }
            return;
        }
        let theme = self.theme;
        let header = Rect::new(area.x, area.y, area.width, 1);
        let steps = Rect::new(area.x, area.y + 1, area.width, 1);
        let body = Rect::new(area.x, area.y + 2, area.width, area.height - 4);
        let status = Rect::new(area.x, area.bottom() - 2, area.width, 1);
        let keys = Rect::new(area.x, area.bottom() - 1, area.width, 1);

        let ctx = draw_ctx(&self.session, theme);
        let order = ctx.order;
        let who = match &order.customer {
            Some(c) if c.guest => format!("Guest: {} ({})", c.name(), order.currency),
            Some(c) => format!("{} ({})", c.name(), order.currency),
            None => "no customer yet".into(),
        };
        let total = if order.lines.is_empty() {
            String::new()
        } else {
            format!(
                "  Total {} {}",
                order.currency.format(ctx.quote.total()),
                order.currency
            )
        };
        f.render_widget(
            Line::from(vec![
                Span::styled(" orderdesk ", theme.selected()),
                Span::raw(format!(
                    " op {} │ {}{}",
                    crate::domain::text::shown(ctx.operator),
                    crate::domain::text::fit(&who, 40),
                    total
                )),
            ]),
            header,
        );
        step_bar::draw(f, steps, self.step, &self.incomplete_steps(), theme);
        let screen = self.screens.get(self.step);
        screen.draw(f, body, &ctx);
        if let Some((text, is_error)) = &self.status {
            let style = if *is_error { theme.error() } else { theme.ok() };
            let prefix = if *is_error { "! " } else { "" };
            f.render_widget(
                Line::styled(
                    crate::domain::text::fit(&format!("{prefix}{text}"), area.width as usize),
                    style,
                ),
                status,
            );
        }
        let bindings = screen.bindings(&ctx);
        let mut bar = bindings.clone();
        if self.ready() && self.step != Step::Review {
            // The global submit key, first: it is there only while
            // nothing is missing (global_bindings dispatches it).
            bar.insert(
                0,
                Binding::new(
                    &[SUBMIT_KEY],
                    SUBMIT_LABEL,
                    crate::tui::keymap::Cmd::SubmitOrder,
                ),
            );
        }
        key_bar::draw(f, keys, &bar, theme);
        let Some(overlay) = &self.overlay else {
            return;
        };
        let hints = self.overlay_bindings().unwrap_or_default();
        match overlay {
            Overlay::Help => {
                let closing = hints
                    .iter()
                    .map(|b| format!("{} {}", b.keys_label(), b.label))
                    .collect::<Vec<_>>()
                    .join(", ");
                Help {
                    closing,
                    title: self.step.title(),
                    screen: &bindings,
                    global: &global_bindings(self.typing(), self.ready()),
                    field: &self.field_bindings(),
                }
                .draw(f, body, theme);
            }
            Overlay::ConfirmQuit => screens::dialog(
                f,
                body,
                "Quit orderdesk?",
                &[
                    "The order in progress is kept as a draft",
                    "and offered when you start again.",
                    "",
                    &hint_line(&hints),
                ],
                theme,
            ),
            Overlay::Resume(_, text, in_use) => {
                let hint_lines = hint_lines(&hints, OFFER_KEY_WIDTH);
                let in_use = in_use
                    .as_ref()
                    .map(|since| format!("In use in another console since {since} (UTC)."));
                let mut lines: Vec<&str> = text.lines().collect();
                lines.extend(in_use.as_deref());
                lines.push("");
                lines.extend(hint_lines.iter().map(String::as_str));
                let title = if in_use.is_some() {
                    "Your draft is open elsewhere"
                } else {
                    "Resume your draft?"
                };
                screens::dialog(f, body, title, &lines, theme)
            }
            Overlay::Approval(b) => b.draw(f, body, &hint_lines(&hints, OFFER_KEY_WIDTH), theme),
        }
    }
}
