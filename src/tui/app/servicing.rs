//! Placed orders on the console: the Orders screen's actions carried out
//! by the session's servicing (session/servicing.rs), and its answers
//! given back to the screen and the status line.

use super::*;
use crate::tui::action::Service;

impl App {
    /// Opens placed order `order_no` on the Orders screen. Changes typed on
    /// another order and not confirmed are never dropped unasked: that
    /// order must be confirmed or discarded first.
    pub(super) fn open_order(&mut self, order_no: i64, from: Option<Step>) {
        match self.session.case() {
            Some(c) if c.stored.order_no == order_no => {}
            Some(c) if !c.changes.is_empty() => {
                let open = c.stored.order_no;
                self.error(format!(
                    "order {open} has changes not confirmed: F10 shows it, to confirm or discard them first"
                ));
                return;
            }
            _ => {
                if let Err(r) = self.session.open_order(order_no) {
                    self.error(r.message);
                    return;
                }
            }
        }
        self.screens.orders.opened(from);
        self.goto(Step::Orders);
        // What the status line said was about the list.
        self.status(String::new());
    }

    /// One servicing action: the session does it, the screen hears how it
    /// went, the status line says it.
    pub(super) fn service(&mut self, service: Service) {
        let outcome = match &service {
            Service::Find(search) => {
                let found = self.session.find_orders(search);
                let said = self.screens.orders.found(search, found);
                for a in said {
                    self.update(a);
                }
                return;
            }
            Service::Close => {
                self.session.close_order();
                Ok(String::new())
            }
            Service::Change(change) => self.session.change_order(change.clone()),
            Service::Add {
                sku,
                quantity,
                ship_to,
            } => self.session.add_to_order(sku, *quantity, *ship_to),
            Service::Readdress { ship_to, address } => {
                self.session.readdress_order(*ship_to, address.clone())
            }
            Service::Discard => {
                self.session.discard_changes();
                Ok(String::new())
            }
            Service::Confirm(reason) => self.session.confirm_changes(reason),
            Service::Cancel(code) => self.session.cancel_order(code),
            Service::Hold(code) => self.session.hold_order(code),
            Service::ReleaseHold(words) => self.session.release_hold(words),
            Service::Text => self.session.order_text(),
        };
        self.screens.orders.serviced(&service, &outcome);
        match outcome {
            Ok(_) if service == Service::Text => {
                self.status("The order as the customer hears it, with every change since.")
            }
            Ok(said) if !said.is_empty() => self.status(said),
            Ok(_) => {}
            Err(r) => self.error(r.message),
        }
    }
}
