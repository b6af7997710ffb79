//! The small forms and lists the order view opens for its actions: a
//! line's new quantity, a line to add, a line to cancel, a ship-to's
//! address or method, the reason for the changes, a reason code to cancel
//! or hold, the words that lift a hold. Each sends one [`Service`] to the
//! session; the form stays open until the session has done it (a refusal
//! leaves what was typed there, to correct).

use super::super::fulfillment::address_form::{
    address_form_with, next_needed, paste_address, typed_address,
};
use super::super::Ctx;
use crate::domain::lifecycle::{CANCEL_REASONS, HOLD_REASONS};
use crate::domain::order::Order;
use crate::domain::order_change::Change;
use crate::domain::shipping::ShippingMethod;
use crate::domain::text::{clean, fit, pad, pad_start};
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

/// What picking a ship-to leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Then {
    Address,
    Method,
}

pub(super) enum OrderForm {
    /// Line, quantity.
    Quantity(Form),
    /// SKU, quantity, ship-to.
    Add(Form),
    /// Line.
    CancelLine(Form),
    /// The reason for the changes.
    Confirm(Form),
    /// Why the hold is lifted.
    ReleaseHold(Form),
    /// Which ship-to (the order has several), then its address or method.
    ShipTo {
        list: ListState,
        then: Then,
    },
    Address {
        ship_to: usize,
        form: Form,
    },
    Method {
        ship_to: usize,
        methods: Vec<ShippingMethod>,
        list: ListState,
    },
    /// A reason code to cancel the order.
    Cancel(ListState),
    /// A reason code to hold it.
    Hold(ListState),
}

/// What a key in a form leads to.
pub(super) enum Next {
    /// The form stays open.
    Stay(Vec<Action>),
    /// The form closes, back to the order.
    Close(Vec<Action>),
    /// Another form opens in its place.
    Open(OrderForm),
}

/// A line number field, "1" when the order has one line.
fn line_field(order: &Order) -> TextField {
    let mut f = TextField::new("Line", 4);
    if order.lines.len() == 1 {
        f.set("1");
    }
    f
}

/// The 1-based number typed in `field`, as a 0-based index; Err: the
/// actions that say why not. Whether the order has it is the session's
/// to say.
fn index(field: &mut TextField) -> Result<usize, Vec<Action>> {
    if let Some(e) = field.error.clone() {
        return Err(field.fail(e));
    }
    match field.value().trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(field.fail(format!(
            "{}: its number, as the order shows it (1, 2, …)",
            field.label
        ))),
    }
}

impl OrderForm {
    pub fn quantity(order: &Order) -> OrderForm {
        let mut form = Form::new(vec![line_field(order), TextField::quantity("Quantity")]);
        form.focus = usize::from(order.lines.len() == 1);
        OrderForm::Quantity(form)
    }

    pub fn add() -> OrderForm {
        let mut qty = TextField::quantity("Quantity");
        qty.set("1");
        let mut ship_to = TextField::new("Ship-to", 3);
        ship_to.set("1");
        OrderForm::Add(Form::new(vec![TextField::new("SKU", 20), qty, ship_to]))
    }

    pub fn cancel_line(order: &Order) -> OrderForm {
        OrderForm::CancelLine(Form::new(vec![line_field(order)]))
    }

    pub fn confirm() -> OrderForm {
        OrderForm::Confirm(Form::new(vec![TextField::new("Reason", 120)]))
    }

    pub fn release_hold() -> OrderForm {
        OrderForm::ReleaseHold(Form::new(vec![TextField::new("Why", 120)]))
    }

    pub fn cancel() -> OrderForm {
        OrderForm::Cancel(ListState::default())
    }

    pub fn hold() -> OrderForm {
        OrderForm::Hold(ListState::default())
    }

    /// The address or the method of a ship-to: straight to it when the
    /// order has one, else the ship-tos to pick from first.
    pub fn ship_to(order: &Order, then: Then, ctx: &Ctx) -> Result<OrderForm, String> {
        match order.ship_tos.len() {
            0 => Err("the order has no ship-to".into()),
            1 => OrderForm::for_ship_to(order, 0, then, ctx),
            _ => Ok(OrderForm::ShipTo {
                list: ListState::default(),
                then,
            }),
        }
    }

    fn for_ship_to(
        order: &Order,
        ship_to: usize,
        then: Then,
        ctx: &Ctx,
    ) -> Result<OrderForm, String> {
        let s = order
            .ship_tos
            .get(ship_to)
            .ok_or_else(|| format!("the order has no ship-to {}", ship_to + 1))?;
        Ok(match then {
            Then::Address => OrderForm::Address {
                ship_to,
                form: address_form_with(&s.address),
            },
            Then::Method => {
                let methods: Vec<ShippingMethod> = ctx
                    .lookup
                    .shipping_methods(order.currency)
                    .map_err(|e| format!("could not read the shipping methods: {e}"))?
                    .into_iter()
                    .filter(|m| m.covers(&s.address.country, &s.address.region))
                    .collect();
                let at = s
                    .method
                    .as_ref()
                    .and_then(|now| methods.iter().position(|m| &m.code == now))
                    .unwrap_or(0);
                let mut list = ListState::default();
                list.selected = at;
                OrderForm::Method {
                    ship_to,
                    methods,
                    list,
                }
            }
        })
    }

    /// The form's heading.
    pub fn title(&self) -> String {
        match self {
            OrderForm::Quantity(_) => "Change a line's quantity".into(),
            OrderForm::Add(_) => "Add a line (today's price)".into(),
            OrderForm::CancelLine(_) => "Cancel a line".into(),
            OrderForm::Confirm(_) => "Confirm the changes: why does the order change?".into(),
            OrderForm::ReleaseHold(_) => "Release the hold: why?".into(),
            OrderForm::ShipTo { then, .. } => match then {
                Then::Address => "Change the address of which ship-to?".into(),
                Then::Method => "Change the method of which ship-to?".into(),
            },
            OrderForm::Address { ship_to, .. } => format!("New address of ship-to {}", ship_to + 1),
            OrderForm::Method { ship_to, .. } => {
                format!("Shipping method of ship-to {}", ship_to + 1)
            }
            OrderForm::Cancel(_) => "Cancel the whole order: the reason".into(),
            OrderForm::Hold(_) => "Hold the order: the reason".into(),
        }
    }

    fn fields(&self) -> Option<&Form> {
        match self {
            OrderForm::Quantity(f)
            | OrderForm::Add(f)
            | OrderForm::CancelLine(f)
            | OrderForm::Confirm(f)
            | OrderForm::ReleaseHold(f)
            | OrderForm::Address { form: f, .. } => Some(f),
            _ => None,
        }
    }

    fn fields_mut(&mut self) -> Option<&mut Form> {
        match self {
            OrderForm::Quantity(f)
            | OrderForm::Add(f)
            | OrderForm::CancelLine(f)
            | OrderForm::Confirm(f)
            | OrderForm::ReleaseHold(f)
            | OrderForm::Address { form: f, .. } => Some(f),
            _ => None,
        }
    }

    /// Whether a text field has the keys (the lists have none).
    pub fn typing(&self) -> bool {
        self.fields().is_some()
    }

    /// The rows of a list form, as shown.
    fn rows(&self, order: Option<&Order>) -> Vec<String> {
        let reasons = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(code, label)| format!("{} {code}", pad(label, 24)))
                .collect()
        };
        match self {
            OrderForm::ShipTo { .. } => order
                .map(|o| {
                    o.ship_tos
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            format!("Ship-to {}: {}", i + 1, clean(&s.address.one_line()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            OrderForm::Method {
                methods, ship_to, ..
            } => {
                let now = order
                    .and_then(|o| o.ship_tos.get(*ship_to))
                    .and_then(|s| s.method.clone());
                methods
                    .iter()
                    .map(|m| {
                        let mark = if now.as_deref() == Some(m.code.as_str()) {
                            "  (now)"
                        } else {
                            ""
                        };
                        format!(
                            "{} {} {} days{mark}",
                            pad(&clean(&m.name), 28),
                            pad(&clean(&m.code), 10),
                            pad_start(&m.transit_days.to_string(), 3)
                        )
                    })
                    .collect()
            }
            OrderForm::Cancel(_) => reasons(CANCEL_REASONS),
            OrderForm::Hold(_) => reasons(HOLD_REASONS),
            _ => Vec::new(),
        }
    }

    fn list(&self) -> Option<&ListState> {
        match self {
            OrderForm::ShipTo { list, .. }
            | OrderForm::Method { list, .. }
            | OrderForm::Cancel(list)
            | OrderForm::Hold(list) => Some(list),
            _ => None,
        }
    }

    fn list_mut(&mut self) -> Option<&mut ListState> {
        match self {
            OrderForm::ShipTo { list, .. }
            | OrderForm::Method { list, .. }
            | OrderForm::Cancel(list)
            | OrderForm::Hold(list) => Some(list),
            _ => None,
        }
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let enter = Key::plain(KeyCode::Enter);
        let send = |label| Binding::new(&[enter], label, Cmd::SendOrderForm);
        let mut b = vec![match self {
            OrderForm::Quantity(_) => send("Set quantity"),
            OrderForm::Add(_) => send("Add this line"),
            OrderForm::CancelLine(_) => send("Cancel this line"),
            OrderForm::Confirm(_) => send("Confirm changes"),
            OrderForm::ReleaseHold(_) => send("Lift the hold"),
            OrderForm::ShipTo { .. } => send("This ship-to"),
            OrderForm::Address { .. } => send("Next empty field / change address"),
            OrderForm::Method { .. } => send("Use this method"),
            OrderForm::Cancel(_) => send("Cancel the order"),
            OrderForm::Hold(_) => send("Hold the order"),
        }];
        b.push(Binding::new(
            &[Key::plain(KeyCode::Esc)],
            "Back (nothing changes)",
            Cmd::Back,
        ));
        match self.fields() {
            Some(f) if f.fields.len() > 1 => b.extend(field_moves()),
            Some(_) => {}
            None => b.extend(list_moves()),
        }
        b
    }

    pub fn command(&mut self, cmd: Cmd, ctx: &Ctx) -> Option<Next> {
        let order = ctx.case.and_then(|c| c.edited.as_ref());
        let rows = self.rows(order).len();
        Some(match cmd {
            Cmd::Back => Next::Close(self.fields_mut().map(Form::dismiss).unwrap_or_default()),
            Cmd::NextField | Cmd::PrevField => {
                let form = self.fields_mut()?;
                if cmd == Cmd::NextField {
                    form.next()
                } else {
                    form.prev()
                }
                Next::Stay(vec![])
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown => {
                self.list_mut()?.step(cmd, rows);
                Next::Stay(vec![])
            }
            Cmd::SendOrderForm => self.send(ctx),
            _ => return None,
        })
    }

    /// Enter: what the form says, for the session.
    fn send(&mut self, ctx: &Ctx) -> Next {
        if let Some(form) = self.fields_mut() {
            // A key a field refused still stands there: nothing is sent.
            if form.has_errors() {
                return Next::Stay(form.show_error());
            }
        }
        let service = |s| Next::Stay(vec![Action::Service(s)]);
        match self {
            // Enter on the line goes on to the quantity, if none is typed.
            OrderForm::Quantity(form) if form.focus == 0 && form.value(1).is_empty() => {
                form.focus = 1;
                Next::Stay(vec![])
            }
            OrderForm::Quantity(form) => {
                let line = match index(&mut form.fields[0]) {
                    Ok(i) => i,
                    Err(show) => return Next::Stay(show),
                };
                match form.fields[1].quantity_value() {
                    Ok(quantity) => service(Service::Change(Change::Quantity { line, quantity })),
                    Err(show) => {
                        form.focus = 1;
                        Next::Stay(show)
                    }
                }
            }
            OrderForm::Add(form) => {
                let sku = form.value(0).trim().to_string();
                if sku.is_empty() {
                    form.focus = 0;
                    return Next::Stay(form.fields[0].fail("SKU: type the item's SKU"));
                }
                let quantity = match form.fields[1].quantity_value() {
                    Ok(q) => q,
                    Err(show) => {
                        form.focus = 1;
                        return Next::Stay(show);
                    }
                };
                match index(&mut form.fields[2]) {
                    Ok(ship_to) => service(Service::Add {
                        sku,
                        quantity,
                        ship_to,
                    }),
                    Err(show) => {
                        form.focus = 2;
                        Next::Stay(show)
                    }
                }
            }
            OrderForm::CancelLine(form) => match index(&mut form.fields[0]) {
                Ok(line) => service(Service::Change(Change::Remove { line })),
                Err(show) => Next::Stay(show),
            },
            OrderForm::Confirm(form) => service(Service::Confirm(form.value(0).to_string())),
            OrderForm::ReleaseHold(form) => {
                service(Service::ReleaseHold(form.value(0).to_string()))
            }
            OrderForm::ShipTo { list, then } => {
                let (at, then) = (list.selected, *then);
                let Some(order) = ctx.case.and_then(|c| c.edited.as_ref()) else {
                    return Next::Stay(vec![Action::Error("no order is open".into())]);
                };
                match OrderForm::for_ship_to(order, at, then, ctx) {
                    Ok(form) => Next::Open(form),
                    Err(e) => Next::Stay(vec![Action::Error(e)]),
                }
            }
            OrderForm::Address { ship_to, form } => {
                if let Some(i) = next_needed(form) {
                    form.focus = i;
                    return Next::Stay(vec![]);
                }
                match typed_address(form) {
                    Some(address) => service(Service::Readdress {
                        ship_to: *ship_to,
                        address,
                    }),
                    None => Next::Stay(form.show_error()),
                }
            }
            OrderForm::Method {
                ship_to,
                methods,
                list,
            } => match methods.get(list.selected) {
                Some(m) => service(Service::Change(Change::Method {
                    ship_to: *ship_to,
                    method: m.code.clone(),
                })),
                None => Next::Stay(vec![Action::Error(
                    "no shipping method covers this address".into(),
                )]),
            },
            OrderForm::Cancel(list) => match CANCEL_REASONS.get(list.selected) {
                Some((code, _)) => service(Service::Cancel(code.to_string())),
                None => Next::Stay(vec![]),
            },
            OrderForm::Hold(list) => match HOLD_REASONS.get(list.selected) {
                Some((code, _)) => service(Service::Hold(code.to_string())),
                None => Next::Stay(vec![]),
            },
        }
    }

    pub fn input(&mut self, key: &KeyEvent) -> Vec<Action> {
        match self.fields_mut().and_then(Form::focused) {
            Some(f) => {
                f.handle_key(key);
                f.status()
            }
            None => Vec::new(),
        }
    }

    pub fn paste(&mut self, text: &str) -> Vec<Action> {
        if let OrderForm::Address { form, .. } = self {
            if let Some(show) = paste_address(form, text) {
                return show;
            }
        }
        match self.fields_mut().and_then(Form::focused) {
            Some(f) => {
                f.insert(text);
                f.status()
            }
            None => Vec::new(),
        }
    }

    /// Rows the form takes: its heading and one per field or choice.
    pub fn height(&self, order: Option<&Order>) -> u16 {
        let rows = match self.fields() {
            Some(f) => f.fields.len(),
            None => self.rows(order).len().max(1),
        };
        rows as u16 + 1
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, order: Option<&Order>, theme: Theme) {
        let width = area.width as usize;
        let row = |i: u16| Rect::new(area.x, area.y + i, area.width, 1);
        f.render_widget(
            Line::styled(fit(&format!("── {} ", self.title()), width), theme.title()),
            row(0),
        );
        let body = Rect::new(
            area.x + 1,
            area.y + 1,
            area.width.saturating_sub(1),
            area.height.saturating_sub(1),
        );
        if let Some(form) = self.fields() {
            form.draw(f, body, true, theme);
            return;
        }
        let Some(list) = self.list() else {
            return;
        };
        let rows = self.rows(order);
        if rows.is_empty() {
            f.render_widget(
                Line::styled("  No shipping method covers this address.", theme.error()),
                row(1),
            );
            return;
        }
        let height = body.height as usize;
        let from = list.visible_from(height);
        for (i, text) in rows.iter().enumerate().skip(from).take(height) {
            let (marker, style) = row_style(i == list.selected, theme);
            f.render_widget(
                Line::styled(fit(&format!("{marker}{text}"), width), style),
                row(1 + (i - from) as u16),
            );
        }
    }
}
