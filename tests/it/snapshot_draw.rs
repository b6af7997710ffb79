//! Screens draw from the session's snapshot alone: a `DrawCtx` built by
//! hand, with no database anywhere, draws the review and the cart.

use orderdesk::domain::money::Currency;
use orderdesk::domain::order::{Address, Area, CustomerRef, Line, Order, SavedAddress, ShipTo};
use orderdesk::domain::pricing::{price, PricingContext};
use orderdesk::domain::quote::Quote;
use orderdesk::domain::rules::{Rule, Violation};
use orderdesk::tui::screens::{DrawCtx, Screen, Screens};
use orderdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use rust_decimal_macros::dec;

fn order() -> Order {
    let address = Address {
        first_name: "Ana".into(),
        last_name: "Lee".into(),
        line1: "1 Main St".into(),
        city: "Springfield".into(),
        region: "IL".into(),
        postal_code: "62701".into(),
        country: "US".into(),
        ..Address::default()
    };
    let mut o = Order::new("t".into(), Currency::USD);
    o.customer = Some(CustomerRef {
        id: Some(7),
        guest: false,
        logon_id: Some("alee".into()),
        first_name: "Ana".into(),
        last_name: "Lee".into(),
        email: "ana@example.org".into(),
        phone: "555 0100".into(),
        currency: Currency::USD,
        account: None,
        addresses: vec![SavedAddress {
            id: 1,
            address: address.clone(),
            default_shipping: true,
            default_billing: true,
        }],
        cards: Vec::new(),
    });
    o.ship_tos.push(ShipTo {
        address,
        method: None,
    });
    o.lines.push(Line {
        item_id: 1,
        sku: "TNT-2001".into(),
        name: "Ridgeline 2-Person Tent".into(),
        quantity: 2,
        unit_price: dec!(189.00),
        weight_grams: 2400,
        taxable: true,
        ship_to: 0,
    });
    o
}

fn draw(screen: &dyn Screen, ctx: &DrawCtx) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 20)).unwrap();
    term.draw(|f| screen.draw(f, Rect::new(0, 0, 80, 20), ctx))
        .unwrap();
    let buf = term.backend().buffer();
    (0..20)
        .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_review_and_the_cart_draw_from_a_snapshot_without_a_database() {
    let order = order();
    let mut quote = Quote::empty(Currency::USD);
    quote.breakdown = price(&order, &PricingContext::default());
    let violations = vec![Violation::new(
        Rule::Incomplete,
        Area::Fulfillment,
        "ship-to 1: choose a shipping method",
    )];
    let ctx = DrawCtx {
        order: &order,
        quote: &quote,
        violations: &violations,
        placed: &[],
        placed_quote: None,
        theme: Theme { mono: true },
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        operator: "alice",
        verified: None,
        case: None,
    };
    let screens = Screens::default();
    let review = draw(&screens.review, &ctx);
    assert!(review.contains("Ana Lee"), "{review}");
    assert!(review.contains("TNT-2001"), "{review}");
    assert!(
        review.contains("! ship-to 1: choose a shipping method — F6"),
        "the snapshot's problems, with the key that fixes them: {review}"
    );
    let cart = draw(&screens.cart, &ctx);
    assert!(cart.contains("TNT-2001"), "{cart}");
    assert!(
        cart.contains("378.00"),
        "line total from the snapshot's quote: {cart}"
    );
}
