//! Finding placed orders: eight fields (order number, the customer's last
//! name, phone, e-mail and postal code, a date range and a status) that
//! combine; Enter searches, Enter again opens the selected order. The
//! session reads the fields (session/servicing.rs): what it refuses (a
//! date that is not one, a number with letters) is shown at the field.

use super::super::title;
use crate::domain::money::Currency;
use crate::domain::text::{clean, fit, pad, pad_start, width};
use crate::session::servicing::{OrderSearch, FIND_LIMIT};
use crate::session::Refusal;
use crate::store::FoundOrder;
use crate::tui::action::{Action, Service};
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

// The fields, in Tab order: two a row, left then right.
const ORDER_NO: usize = 0;
const STATUS: usize = 1;
const LAST: usize = 2;
const PHONE: usize = 3;
const EMAIL: usize = 4;
const POSTAL: usize = 5;
const FROM: usize = 6;
const TO: usize = 7;

/// Columns of the results in terminal columns: with the marker and one
/// space between them, 80 in all (docs/design.md, section 10).
const NO_W: usize = 7;
const DATE_W: usize = 10;
const WHO_W: usize = 17;
const STATUS_W: usize = 14;
const TOTAL_W: usize = 11;
const CUR_W: usize = 3;
const SHIP_W: usize = 10;

pub(super) struct Find {
    pub form: Form,
    results: Vec<FoundOrder>,
    list: ListState,
    /// The search the results belong to; Enter searches again once the
    /// fields say something else.
    searched: Option<OrderSearch>,
}

impl Default for Find {
    fn default() -> Self {
        Find {
            form: Form::new(vec![
                TextField::new("Order no.", 12),
                TextField::new("Status", 14),
                TextField::new("Last name", 40),
                TextField::new("Phone", 30),
                TextField::new("E-mail", 60),
                TextField::new("ZIP/postal", 12),
                TextField::new("From date", 10),
                TextField::new("To date", 10),
            ]),
            results: Vec::new(),
            list: ListState::default(),
            searched: None,
        }
    }
}

impl Find {
    /// The fields as typed.
    pub fn search(&self) -> OrderSearch {
        let v = |i: usize| self.form.value(i).to_string();
        OrderSearch {
            order_no: v(ORDER_NO),
            last_name: v(LAST),
            phone: v(PHONE),
            email: v(EMAIL),
            postal: v(POSTAL),
            from: v(FROM),
            to: v(TO),
            status: v(STATUS),
        }
    }

    /// Whether Enter opens the selected order: the results shown are those
    /// of the fields as they stand.
    fn results_current(&self) -> bool {
        !self.results.is_empty() && self.searched.as_ref() == Some(&self.search())
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let enter = Key::plain(KeyCode::Enter);
        let mut b = vec![if self.results_current() {
            Binding::new(&[enter], "Open order", Cmd::ShowOrder)
        } else {
            Binding::new(&[enter], "Find", Cmd::SearchOrders)
        }];
        b.push(Binding::new(
            &[Key::plain(KeyCode::Esc)],
            "Clear search",
            Cmd::ClearSearch,
        ));
        b.extend(field_moves());
        b.extend(list_moves());
        b
    }

    pub fn command(&mut self, cmd: Cmd) -> Option<Vec<Action>> {
        Some(match cmd {
            Cmd::SearchOrders => {
                // A key a field refused still stands there: nothing is sent.
                if self.form.has_errors() {
                    return Some(self.form.show_error());
                }
                vec![Action::Service(Service::Find(self.search()))]
            }
            Cmd::ShowOrder => match self.results.get(self.list.selected) {
                Some(o) => vec![Action::OpenOrder {
                    order_no: o.order_no,
                    from: None,
                }],
                None => vec![Action::Error("no order to open: search first".into())],
            },
            Cmd::ClearSearch => {
                let mut show = self.form.dismiss();
                for f in &mut self.form.fields {
                    f.clear();
                }
                self.form.focus = ORDER_NO;
                if show.is_empty() {
                    show.push(Action::Status(String::new()));
                }
                show
            }
            Cmd::NextField => {
                self.form.next();
                vec![]
            }
            Cmd::PrevField => {
                self.form.prev();
                vec![]
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                self.list.step(cmd, self.results.len());
                vec![]
            }
            _ => return None,
        })
    }

    pub fn input(&mut self, key: &KeyEvent) -> Vec<Action> {
        match self.form.focused() {
            Some(f) => {
                f.handle_key(key);
                f.status()
            }
            None => Vec::new(),
        }
    }

    pub fn paste(&mut self, text: &str) -> Vec<Action> {
        match self.form.focused() {
            Some(f) => {
                f.insert(text);
                f.status()
            }
            None => Vec::new(),
        }
    }

    /// The session's answer to the search of `search`: the rows, or the
    /// refusal shown at the field it is about (and on the status line).
    pub fn found(
        &mut self,
        search: &OrderSearch,
        outcome: Result<Vec<FoundOrder>, Refusal>,
    ) -> Vec<Action> {
        match outcome {
            Ok(rows) => {
                let mut show = self.form.dismiss();
                let said = match rows.len() {
                    0 => "No order matches.".to_string(),
                    1 => "1 order: Enter opens it.".to_string(),
                    n => format!("{n} orders, newest first: Enter opens the selected one."),
                };
                show.push(Action::Status(said));
                self.results = rows;
                self.list = ListState::default();
                self.searched = Some(search.clone());
                show
            }
            Err(r) => match self.field_of(&r.message) {
                Some(i) => {
                    self.form.focus = i;
                    self.form.fields[i].fail(r.message)
                }
                None => vec![Action::Error(r.message)],
            },
        }
    }

    /// The field a refusal of the search is about: the session names the
    /// date by its field, and quotes the text it could not read.
    fn field_of(&self, message: &str) -> Option<usize> {
        if message.starts_with("from ") || message.contains("from date") {
            return Some(FROM);
        }
        if message.starts_with("to ") {
            return Some(TO);
        }
        [ORDER_NO, STATUS].into_iter().find(|&i| {
            let typed = clean(self.form.value(i).trim());
            !typed.is_empty() && message.contains(&format!("'{typed}'"))
        })
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: Theme) {
        title(
            f,
            area,
            "Find orders — number, customer, dates YYYY-MM-DD, status",
            theme,
        );
        if self.searched.is_some() {
            let count = if self.results.len() >= FIND_LIMIT {
                format!("{FIND_LIMIT}+ — type more")
            } else if self.searched.as_ref() != Some(&self.search()) {
                // The fields changed since: the count is of the last search.
                String::new()
            } else {
                match self.results.len() {
                    1 => "1 order".to_string(),
                    n => format!("{n} orders"),
                }
            };
            let cw = width(&count) as u16;
            f.render_widget(
                Line::styled(count, theme.title()),
                Rect::new(area.right().saturating_sub(cw + 1), area.y, cw, 1),
            );
        }
        let half = area.width / 2;
        for (i, field) in self.form.fields.iter().enumerate() {
            let (col, row) = (i % 2, i / 2);
            let r = Rect::new(
                area.x + col as u16 * half,
                area.y + 1 + row as u16,
                half.saturating_sub(1),
                1,
            );
            field.draw(f, r, 12, i == self.form.focus, theme);
        }
        let top = area.y + 6;
        if top >= area.bottom() {
            return;
        }
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} {} {} {} {}",
                    pad("Order", NO_W),
                    pad("Placed", DATE_W),
                    pad("Customer", WHO_W),
                    pad("Status", STATUS_W),
                    pad_start("Total", TOTAL_W),
                    pad("Cur", CUR_W),
                    pad("Next ship", SHIP_W),
                ),
                theme.label(),
            ),
            Rect::new(area.x, top, area.width, 1),
        );
        let height = area.bottom().saturating_sub(top + 1) as usize;
        let from = self.list.visible_from(height);
        for (i, o) in self.results.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == self.list.selected, theme);
            f.render_widget(
                Line::styled(fit(&row_text(marker, o), area.width as usize), style),
                Rect::new(area.x, top + 1 + (i - from) as u16, area.width, 1),
            );
        }
        if self.results.is_empty() && self.searched.is_some() {
            f.render_widget(
                Line::styled(
                    "  No order matches: fewer fields, or another spelling.",
                    theme.warn(),
                ),
                Rect::new(area.x, top + 1, area.width, 1),
            );
        }
    }
}

/// One result row: number, date, customer, status, total, currency and
/// the next ship date, each in its column (stored text cleaned).
fn row_text(marker: &str, o: &FoundOrder) -> String {
    let cur = clean(&o.currency);
    let total = match (cur.parse::<Currency>(), o.grand_total.parse()) {
        (Ok(c), Ok(d)) => c.format(d),
        _ => clean(&o.grand_total),
    };
    let date: String = clean(&o.placed_at).chars().take(DATE_W).collect();
    format!(
        "{marker}{} {} {} {} {} {} {}",
        pad(&o.order_no.to_string(), NO_W),
        pad(&date, DATE_W),
        pad(&clean(&o.customer), WHO_W),
        pad(o.status.label(), STATUS_W),
        pad_start(&total, TOTAL_W),
        pad(&cur, CUR_W),
        pad(&clean(o.next_ship.as_deref().unwrap_or("")), SHIP_W),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::OrderStatus;

    #[test]
    fn a_result_row_is_80_columns_whatever_it_holds() {
        let o = FoundOrder {
            order_no: 1_000_123,
            placed_at: "2026-11-25T14:02:11Z".into(),
            customer: "Nuñez-Bartholomew, Carlos\u{1b}[31m".into(),
            status: OrderStatus::PartlyShipped,
            currency: "JPY".into(),
            grand_total: "1234567".into(),
            next_ship: Some("2026-12-01".into()),
        };
        let row = row_text("> ", &o);
        assert_eq!(width(&row), 80, "{row}");
        assert!(!row.contains('\u{1b}'), "{row}");
        assert!(row.contains("partly shipped"), "{row}");
        assert!(row.contains("1,234,567 JPY 2026-12-01"), "{row}");
    }

    #[test]
    fn the_limit_reached_says_to_type_more() {
        use ratatui::backend::TestBackend;
        use ratatui::Terminal;
        let row = |n: i64| FoundOrder {
            order_no: 100_000 + n,
            placed_at: "2026-11-25T14:02:11Z".into(),
            customer: "Jane Doe".into(),
            status: OrderStatus::Placed,
            currency: "USD".into(),
            grand_total: "10.00".into(),
            next_ship: None,
        };
        let shown = |find: &Find| {
            let mut term = Terminal::new(TestBackend::new(80, 20)).unwrap();
            term.draw(|f| find.draw(f, Rect::new(0, 0, 80, 20), Theme { mono: true }))
                .unwrap();
            let buf = term.backend().buffer();
            (0..80).map(|x| buf[(x, 0)].symbol()).collect::<String>()
        };
        let mut find = Find::default();
        find.form.fields[STATUS].set("placed");
        let search = find.search();
        find.found(&search, Ok((0..FIND_LIMIT as i64).map(row).collect()));
        assert!(
            shown(&find).ends_with("200+ — type more "),
            "{}",
            shown(&find)
        );
        find.found(&search, Ok((0..3).map(row).collect()));
        assert!(shown(&find).ends_with(" 3 orders "), "{}", shown(&find));
        // The fields changed since: no count of another search.
        find.form.fields[LAST].set("doe");
        assert!(!shown(&find).contains("3 orders"), "{}", shown(&find));
    }

    #[test]
    fn a_refusal_is_shown_at_the_field_it_is_about() {
        let mut find = Find::default();
        find.form.fields[FROM].set("2026-13-40");
        find.form.fields[ORDER_NO].set("12a");
        let search = find.search();
        let show = find.found(
            &search,
            Err(Refusal::input(
                "from '2026-13-40' is not a date: YYYY-MM-DD",
            )),
        );
        assert_eq!(find.form.focus, FROM);
        assert!(find.form.fields[FROM].error.is_some());
        assert!(matches!(&show[..], [Action::Error(m)] if m.contains("not a date")));
        find.found(
            &search,
            Err(Refusal::input("'12a' is not an order number: digits only")),
        );
        assert_eq!(find.form.focus, ORDER_NO);
    }
}
