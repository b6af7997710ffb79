//! Step 5, fulfillment: the backorder choice, each line's availability and
//! ship-to (a line can be split across ship-tos), each ship-to's shipping
//! method (from those covering its address), and the resulting shipments.

// The Orders screen's change of address uses the same form.
pub(super) mod address_form;

use super::{title, Ctx, DrawCtx, Screen};
use crate::domain::order::{Address, BackorderChoice};
use crate::domain::shipping::ShippingMethod;
use crate::domain::text::{fit, pad, pad_start};
use crate::session::{BackorderKind, Command};
use crate::tui::action::Action;
use crate::tui::keymap::{field_moves, list_moves, Binding, Cmd, Key};
use crate::tui::widgets::form::Form;
use crate::tui::widgets::list::{row_style, ListState};
use crate::tui::widgets::text_field::TextField;
use address_form::{address_form, next_needed, paste_address, typed_address};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

enum Mode {
    /// Moving through the lines.
    Lines,
    /// Choosing the method of one ship-to.
    Methods { ship_to: usize, list: ListState },
    /// Choosing where (part of) a line goes.
    ShipTo {
        list: ListState,
        quantity: TextField,
    },
    /// Typing a new address for `quantity` of the selected line.
    NewAddress { form: Form, quantity: u32 },
}

/// Columns of the lines and of the methods, in terminal columns
/// (docs/design.md, section 10).
const SKU_W: usize = 11;
const NAME_W: usize = 16;
const QTY_W: usize = 5;
const BACK_W: usize = 20;
const METHOD_W: usize = 28;

pub struct Fulfillment {
    lines: ListState,
    mode: Mode,
}

impl Default for Fulfillment {
    fn default() -> Self {
        Fulfillment {
            lines: ListState::default(),
            mode: Mode::Lines,
        }
    }
}

fn methods_for<'a>(ctx: &DrawCtx<'a>, ship_to: usize) -> Vec<&'a ShippingMethod> {
    let Some(s) = ctx.order.ship_tos.get(ship_to) else {
        return Vec::new();
    };
    ctx.quote
        .methods
        .iter()
        .filter(|m| m.covers(&s.address.country, &s.address.region))
        .collect()
}

/// Where a line can go: the order's ship-tos, then the customer's other
/// addresses.
fn destinations(ctx: &DrawCtx) -> Vec<(String, Address)> {
    let mut out: Vec<(String, Address)> = ctx
        .order
        .ship_tos
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                format!("Ship-to {}: {}", i + 1, s.address.one_line()),
                s.address.clone(),
            )
        })
        .collect();
    if let Some(c) = &ctx.order.customer {
        for a in &c.addresses {
            if !ctx.order.ship_tos.iter().any(|s| s.address == a.address) {
                out.push((
                    format!(
                        "New ship-to {}: {}",
                        a.address.nickname,
                        a.address.one_line()
                    ),
                    a.address.clone(),
                ));
            }
        }
    }
    out
}

/// Key, choice, key-bar label, label on the screen.
const CHOICES: [(char, BackorderKind, &str, &str); 3] = [
    ('1', BackorderKind::Complete, "Complete", "complete"),
    (
        '2',
        BackorderKind::Available,
        "Now+later",
        "available now, rest later",
    ),
    ('3', BackorderKind::Drop, "Drop", "drop backorders"),
];

/// The kind of backorder choice, as the keys 1-3 name it.
fn kind_of(choice: BackorderChoice) -> BackorderKind {
    match choice {
        BackorderChoice::ShipComplete => BackorderKind::Complete,
        BackorderChoice::ShipAvailable { .. } => BackorderKind::Available,
        BackorderChoice::DropBackorders => BackorderKind::Drop,
    }
}

impl Screen for Fulfillment {
    fn bindings(&self, ctx: &DrawCtx) -> Vec<Binding> {
        match &self.mode {
            Mode::Lines => {
                let mut b = vec![
                    Binding::new(&[Key::plain(KeyCode::Enter)], "Method", Cmd::ChooseMethod),
                    Binding::new(&[Key::char('m')], "Move/split", Cmd::MoveLine),
                ];
                for (n, (key, _, short, _)) in CHOICES.iter().enumerate() {
                    b.push(Binding::new(
                        &[Key::char(*key)],
                        short,
                        Cmd::BackorderChoice(n as u8),
                    ));
                }
                if ctx.order.backorder_choice.ships_available() {
                    b.push(Binding::new(
                        &[Key::char('s')],
                        "Separate",
                        Cmd::SeparateBackorders,
                    ));
                }
                b.extend(list_moves());
                b
            }
            Mode::Methods { .. } => {
                let mut b = vec![
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Use this method",
                        Cmd::UseMethod,
                    ),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(list_moves());
                b
            }
            Mode::ShipTo { .. } => {
                let mut b = vec![
                    Binding::new(&[Key::plain(KeyCode::Enter)], "Ship there", Cmd::ShipThere),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(list_moves());
                b
            }
            Mode::NewAddress { .. } => {
                let mut b = vec![
                    Binding::new(
                        &[Key::plain(KeyCode::Enter)],
                        "Next empty field / ship there",
                        Cmd::ShipThere,
                    ),
                    Binding::new(&[Key::plain(KeyCode::Esc)], "Back", Cmd::Back),
                ];
                b.extend(field_moves());
                b
            }
        }
    }

    fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Vec<Action>> {
        let order = ctx.order;
        Some(match &mut self.mode {
            Mode::Lines => match cmd {
                Cmd::ChooseMethod => {
                    let ship_to = order
                        .lines
                        .get(self.lines.selected)
                        .map(|l| l.ship_to)
                        .unwrap_or(0);
                    if ship_to >= order.ship_tos.len() {
                        return Some(vec![Action::Error(
                            "no ship-to address yet: pick a customer (F2)".into(),
                        )]);
                    }
                    let mut list = ListState::default();
                    if let Some(code) = &order.ship_tos[ship_to].method {
                        if let Some(i) = methods_for(ctx, ship_to)
                            .iter()
                            .position(|m| &m.code == code)
                        {
                            list.selected = i;
                        }
                    }
                    self.mode = Mode::Methods { ship_to, list };
                    vec![]
                }
                Cmd::MoveLine => {
                    let Some(l) = order.lines.get(self.lines.selected) else {
                        return Some(vec![Action::Error("no line to move".into())]);
                    };
                    let mut quantity = TextField::quantity("Quantity to move");
                    quantity.set(&l.quantity.to_string());
                    // The first place the line does not go yet is selected
                    // ("Type a new address…", last, when there is none).
                    let here = order.ship_tos.get(l.ship_to).map(|s| &s.address);
                    let dests = destinations(ctx);
                    let mut list = ListState::default();
                    list.selected = dests
                        .iter()
                        .position(|(_, a)| Some(a) != here)
                        .unwrap_or(dests.len());
                    self.mode = Mode::ShipTo { list, quantity };
                    vec![]
                }
                Cmd::SeparateBackorders => {
                    let current = order.backorder_choice;
                    vec![Action::Order(Command::Backorder {
                        choice: kind_of(current),
                        separate: !current.separate(),
                    })]
                }
                Cmd::BackorderChoice(n) => CHOICES
                    .get(usize::from(n))
                    .map(|(_, choice, _, _)| {
                        // Choosing "now and later" again keeps the separate order.
                        let separate = *choice == BackorderKind::Available
                            && order.backorder_choice.separate();
                        vec![Action::Order(Command::Backorder {
                            choice: *choice,
                            separate,
                        })]
                    })
                    .unwrap_or_default(),
                Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                    self.lines.step(cmd, order.lines.len());
                    vec![]
                }
                _ => return None,
            },
            Mode::Methods { ship_to, list } => {
                let methods = methods_for(ctx, *ship_to);
                match cmd {
                    Cmd::UseMethod => match methods.get(list.selected) {
                        Some(m) => {
                            let action = Action::Order(Command::SetMethod {
                                ship_to: *ship_to + 1,
                                method: m.code.clone(),
                            });
                            self.mode = Mode::Lines;
                            vec![action]
                        }
                        None => vec![Action::Error(
                            "no shipping method covers this address".into(),
                        )],
                    },
                    Cmd::Back => {
                        self.mode = Mode::Lines;
                        vec![]
                    }
                    Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                        list.step(cmd, methods.len());
                        vec![]
                    }
                    _ => return None,
                }
            }
            Mode::ShipTo { list, quantity } => {
                let dests = destinations(ctx);
                match cmd {
                    Cmd::ShipThere => {
                        let q = match quantity.quantity_value() {
                            Ok(q) => q,
                            Err(show) => return Some(show),
                        };
                        let Some((_, address)) = dests.get(list.selected) else {
                            // The last entry: type a new address.
                            self.mode = Mode::NewAddress {
                                form: address_form(ctx.lookup.default_country().ok().flatten()),
                                quantity: q,
                            };
                            return Some(vec![]);
                        };
                        let action = Action::Order(Command::MoveLine {
                            line: self.lines.selected + 1,
                            qty: q,
                            address: address.clone(),
                        });
                        self.mode = Mode::Lines;
                        vec![action]
                    }
                    Cmd::Back => {
                        let show = quantity.dismiss();
                        self.mode = Mode::Lines;
                        show
                    }
                    Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                        list.step(cmd, dests.len() + 1);
                        vec![]
                    }
                    _ => return None,
                }
            }
            Mode::NewAddress { form, quantity } => match cmd {
                // A refused key still stands at its field: nothing is sent.
                Cmd::ShipThere if form.has_errors() => form.show_error(),
                Cmd::ShipThere if next_needed(form).is_some() => {
                    form.focus = next_needed(form).unwrap_or(form.focus);
                    vec![]
                }
                Cmd::ShipThere => match typed_address(form) {
                    Some(address) => {
                        let action = Action::Order(Command::MoveLine {
                            line: self.lines.selected + 1,
                            qty: *quantity,
                            address,
                        });
                        self.mode = Mode::Lines;
                        vec![action]
                    }
                    None => form.show_error(),
                },
                Cmd::Back => {
                    let show = form.dismiss();
                    self.mode = Mode::Lines;
                    show
                }
                Cmd::NextField => {
                    form.next();
                    vec![]
                }
                Cmd::PrevField => {
                    form.prev();
                    vec![]
                }
                _ => return None,
            },
        })
    }

    fn input(&mut self, key: &KeyEvent, _ctx: &Ctx) -> Vec<Action> {
        let field = match &mut self.mode {
            Mode::ShipTo { quantity, .. } => quantity,
            Mode::NewAddress { form, .. } => match form.focused() {
                Some(f) => f,
                None => return vec![],
            },
            Mode::Lines | Mode::Methods { .. } => return vec![],
        };
        field.handle_key(key);
        field.status()
    }

    fn paste(&mut self, text: &str, _ctx: &Ctx) -> Vec<Action> {
        if let Mode::NewAddress { form, .. } = &mut self.mode {
            if let Some(show) = paste_address(form, text) {
                return show;
            }
        }
        let field = match &mut self.mode {
            Mode::ShipTo { quantity, .. } => quantity,
            Mode::NewAddress { form, .. } => match form.focused() {
                Some(f) => f,
                None => return vec![],
            },
            Mode::Lines | Mode::Methods { .. } => return vec![],
        };
        field.insert(text);
        field.status()
    }

    fn typing(&self) -> bool {
        matches!(self.mode, Mode::ShipTo { .. } | Mode::NewAddress { .. })
    }

    fn enter(&mut self, ctx: &Ctx) {
        self.mode = Mode::Lines;
        self.lines.clamp(ctx.order.lines.len());
    }

    /// The new address being typed for (part of) a line: which line, how
    /// many, and the form.
    fn typed(&self) -> Option<serde_json::Value> {
        match &self.mode {
            Mode::NewAddress { form, quantity } => Some(serde_json::json!({
                "line": self.lines.selected,
                "quantity": quantity,
                "address": form.kept(),
            })),
            _ => None,
        }
    }

    fn restore_typed(&mut self, typed: &serde_json::Value) {
        let line = typed.get("line").and_then(|l| l.as_u64());
        let quantity = typed.get("quantity").and_then(|q| q.as_u64());
        let (Some(line), Some(quantity), Some(address)) = (line, quantity, typed.get("address"))
        else {
            return;
        };
        let Ok(quantity) = u32::try_from(quantity) else {
            return;
        };
        let mut form = address_form(None);
        form.put_back(address);
        self.lines.selected = line as usize;
        self.mode = Mode::NewAddress { form, quantity };
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        let theme = ctx.theme;
        let order = ctx.order;
        let cur = order.currency;
        let row = |y: u16| Rect::new(area.x, y, area.width, 1);
        title(
            f,
            area,
            "Fulfillment — backorders, ship-tos and shipping methods",
            theme,
        );
        if let Mode::NewAddress { form, quantity } = &self.mode {
            let sku = order
                .lines
                .get(self.lines.selected)
                .map(|l| l.sku.as_str())
                .unwrap_or("");
            f.render_widget(
                Line::styled(
                    fit(
                        &format!("Ship {quantity} x {sku} to a new address:"),
                        area.width as usize,
                    ),
                    theme.title(),
                ),
                row(area.y + 2),
            );
            form.draw(
                f,
                Rect::new(
                    area.x,
                    area.y + 4,
                    area.width,
                    area.height.saturating_sub(4),
                ),
                true,
                theme,
            );
            return;
        }
        let mut spans = vec![Span::styled("Backorders:", theme.label())];
        for (key, choice, _, label) in CHOICES {
            let text = format!(" {key} {label} ");
            if kind_of(order.backorder_choice) == choice {
                spans.push(Span::styled(
                    format!(">{}", text.trim_start()),
                    theme.selected(),
                ));
            } else {
                spans.push(Span::raw(text));
            }
        }
        f.render_widget(Line::from(spans), row(area.y + 1));
        if order.backorder_choice.ships_available() {
            let sep = if order.backorder_choice.separate() {
                "yes"
            } else {
                "no"
            };
            f.render_widget(
                Line::raw(format!(
                    "            s separate order for backorders: {sep}"
                )),
                row(area.y + 2),
            );
        }
        let mut y = area.y + 3;
        f.render_widget(
            Line::styled(
                format!(
                    "  {} {} {} {}  {} {} Method",
                    pad("SKU", SKU_W),
                    pad("Item", NAME_W),
                    pad_start("Qty", QTY_W),
                    pad_start("Now", QTY_W),
                    pad("Backordered", BACK_W),
                    pad("To", 3),
                ),
                theme.label(),
            ),
            row(y),
        );
        y += 1;
        let max_lines = 6usize;
        let from = self.lines.visible_from(max_lines);
        for (i, l) in order.lines.iter().enumerate().skip(from).take(max_lines) {
            let (marker, style) = row_style(
                matches!(self.mode, Mode::Lines) && i == self.lines.selected,
                theme,
            );
            let method = order
                .ship_tos
                .get(l.ship_to)
                .and_then(|s| s.method.clone())
                .unwrap_or_else(|| "— Enter".into());
            let a = ctx.quote.availability.get(i);
            let now = a.map(|a| a.now.to_string()).unwrap_or_default();
            let back = match a {
                Some(a) if a.backordered > 0 => match a.due {
                    Some(d) => format!("{} due {d}", a.backordered),
                    None => format!("{} date unknown", a.backordered),
                },
                _ => String::new(),
            };
            f.render_widget(
                Line::styled(
                    fit(
                        &format!(
                            "{marker}{} {} {} {}  {} {} {method}",
                            pad(&l.sku, SKU_W),
                            pad(&l.name, NAME_W),
                            pad_start(&l.quantity.to_string(), QTY_W),
                            pad_start(&now, QTY_W),
                            pad(&back, BACK_W),
                            pad(&format!("#{}", l.ship_to + 1), 3),
                        ),
                        area.width as usize,
                    ),
                    style,
                ),
                row(y),
            );
            y += 1;
        }
        if order.lines.is_empty() {
            f.render_widget(
                Line::styled("  The cart is empty: F4 opens the catalog.", theme.warn()),
                row(y),
            );
            y += 1;
        }
        y += 1;
        match &self.mode {
            Mode::Methods { ship_to, list } => {
                let addr = order
                    .ship_tos
                    .get(*ship_to)
                    .map(|s| s.address.one_line())
                    .unwrap_or_default();
                f.render_widget(
                    Line::styled(
                        fit(
                            &format!("Method for ship-to {}: {addr}", ship_to + 1),
                            area.width as usize,
                        ),
                        theme.title(),
                    ),
                    row(y),
                );
                y += 1;
                let b = &ctx.quote.breakdown;
                let (items, grams) = b
                    .shipments
                    .iter()
                    .filter(|s| s.ship_to == *ship_to)
                    .fold((0, 0), |(i, g), s| (i + s.items, g + s.grams));
                let methods = methods_for(ctx, *ship_to);
                for (i, m) in methods.iter().enumerate() {
                    let (marker, style) = row_style(i == list.selected, theme);
                    let charge = cur.format(cur.round(m.rate.charge(items, grams)));
                    f.render_widget(
                        Line::styled(
                            fit(
                                &format!(
                                    "{marker}{} {} days  {}",
                                    pad(&m.name, METHOD_W),
                                    pad_start(&m.transit_days.to_string(), 3),
                                    pad_start(&charge, 10)
                                ),
                                area.width as usize,
                            ),
                            style,
                        ),
                        row(y),
                    );
                    y += 1;
                }
                if methods.is_empty() {
                    f.render_widget(
                        Line::styled("  No shipping method covers this address.", theme.error()),
                        row(y),
                    );
                }
            }
            Mode::ShipTo { list, quantity } => {
                f.render_widget(
                    Line::styled("Ship the selected line to:", theme.title()),
                    row(y),
                );
                y += 1;
                quantity.draw(f, row(y), 19, true, theme);
                y += 1;
                let mut labels: Vec<String> =
                    destinations(ctx).into_iter().map(|(l, _)| l).collect();
                labels.push("Type a new address…".into());
                for (i, label) in labels.iter().enumerate() {
                    if y >= area.bottom() {
                        break;
                    }
                    let (marker, style) = row_style(i == list.selected, theme);
                    f.render_widget(
                        Line::styled(fit(&format!("{marker}{label}"), area.width as usize), style),
                        row(y),
                    );
                    y += 1;
                }
            }
            Mode::NewAddress { .. } => {}
            Mode::Lines => {
                f.render_widget(Line::styled("Shipments", theme.title()), row(y));
                y += 1;
                for (part, b) in &ctx.quote.parts {
                    for (n, s) in part.shipments.iter().enumerate() {
                        if y >= area.bottom() {
                            break;
                        }
                        let method = order
                            .ship_tos
                            .get(s.ship_to)
                            .and_then(|t| t.method.clone())
                            .unwrap_or_else(|| "no method".into());
                        let when = s
                            .date
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "date unknown".into());
                        let charge = b
                            .shipments
                            .get(n)
                            .map(|c| cur.format(c.charge))
                            .unwrap_or_default();
                        let label = if part.number == 1 {
                            ""
                        } else {
                            " (separate order)"
                        };
                        f.render_widget(
                            Line::raw(fit(
                                &format!(
                                    "  to #{} {when}: {} pcs, {method} {charge}{label}",
                                    s.ship_to + 1,
                                    s.pieces()
                                ),
                                area.width as usize,
                            )),
                            row(y),
                        );
                        y += 1;
                    }
                }
                for (line, qty) in &ctx.quote.plan.dropped {
                    if y >= area.bottom() {
                        break;
                    }
                    let sku = order
                        .lines
                        .get(*line)
                        .map(|l| l.sku.as_str())
                        .unwrap_or("?");
                    f.render_widget(
                        Line::styled(
                            fit(&format!("  dropped: {qty} x {sku}"), area.width as usize),
                            theme.warn(),
                        ),
                        row(y),
                    );
                    y += 1;
                }
            }
        }
    }
}
