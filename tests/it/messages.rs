//! Messages on the status line clear when their cause may be fixed: an
//! error about the order once the order changed, a form's error once the
//! operator types into a field (the field's own mark stays by it).

use crate::common::ctrl;
use crate::common::desk::Desk;
use crossterm::event::KeyCode;

fn status(d: &mut Desk) -> String {
    d.lines()[22].clone()
}

#[test]
fn a_form_error_clears_when_the_operator_starts_fixing_it() {
    let mut d = Desk::new();
    d.press(ctrl('n'));
    d.press(ctrl('s'));
    assert!(status(&mut d).starts_with("! not saved:"), "{}", d.screen());
    d.type_text("j");
    assert!(!status(&mut d).contains("not saved"), "{}", d.screen());
}

#[test]
fn a_refusal_clears_once_the_order_changed() {
    let mut d = Desk::jane_with_tents();
    // More tents than a line may hold: refused, named.
    d.code(KeyCode::F(4));
    d.code(KeyCode::Esc);
    d.type_text("TNT-2001");
    d.code(KeyCode::Tab);
    d.type_text("99999");
    d.code(KeyCode::Enter);
    assert!(status(&mut d).starts_with("! "), "{}", d.screen());
    // Arrow keys change nothing: the message stays.
    d.code(KeyCode::Down);
    assert!(status(&mut d).starts_with("! "), "{}", d.screen());
    // Paying changes the order: the refusal is gone.
    d.pay_by_card();
    assert!(!status(&mut d).starts_with("! "), "{}", d.screen());
}
