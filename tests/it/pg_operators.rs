//! Operators, limits, PINs and approvals (store/operators.rs,
//! operator_changes.rs, approvals.rs), the same test body on a SQLite file
//! and on PostgreSQL: rows and limits as written, refusals that roll back,
//! the PIN lock, approvals that hold or not, and the audit trail.

use crate::common::backends::on_both;
use chrono::{DateTime, TimeZone, Utc};
use orderdesk::domain::money::Currency;
use orderdesk::domain::operator::Role;
use orderdesk::domain::rules::{ApprovalState, Limits};
use orderdesk::store::db::{Backend, Error, Sql};
use orderdesk::store::operators::{
    self, LimitsOf, NewApproval, OperatorError, OperatorRow, PinCheck,
};
use rust_decimal_macros::dec;

fn actions(sql: Sql<'_>) -> Vec<(String, String, String)> {
    sql.query(
        "SELECT operator, action, subject FROM audit ORDER BY id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get_string(0).unwrap(),
            r.get_string(1).unwrap(),
            r.get_string(2).unwrap(),
        )
    })
    .collect()
}

fn row(login: &str, role: Role, name: &str, act_as: &str) -> OperatorRow {
    OperatorRow {
        login: login.into(),
        role,
        name: name.into(),
        enabled: true,
        act_as: act_as.into(),
        pin_set: false,
        pin_locked_until: None,
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

#[test]
fn operators_and_limits_are_kept_and_refusals_write_nothing() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        assert!(operators::operators(sql).unwrap().is_empty());
        assert!(!operators::has_admin(sql).unwrap());

        // Whoever made the database is its admin, once.
        let first: Result<bool, Error> = sql.write(|tx| operators::record_creator(**tx, "root"));
        assert!(first.unwrap());
        let again: Result<bool, Error> = sql.write(|tx| operators::record_creator(**tx, "root"));
        assert!(!again.unwrap());
        assert!(operators::has_admin(sql).unwrap());

        operators::add_operator(sql, "ann", Role::Operator, "  Ann Lee ", "", "root").unwrap();
        operators::add_operator(sql, "sam", Role::Supervisor, "Sam", "ann,bob", "root").unwrap();
        assert!(matches!(
            operators::add_operator(sql, "ann", Role::Admin, "Other", "", "root"),
            Err(OperatorError::Exists(l)) if l == "ann"
        ));
        assert_eq!(
            operators::operators(sql).unwrap(),
            vec![
                row("ann", Role::Operator, "Ann Lee", ""),
                row("root", Role::Admin, "", "*"),
                row("sam", Role::Supervisor, "Sam", "ann,bob"),
            ]
        );
        assert_eq!(operators::operator(sql, "zed").unwrap(), None);

        // Limits: the role's (pg/schema.sql and the SQLite migrations seed
        // the same), an operator's own replacing them in one currency.
        let operator_usd = Limits {
            amount: dec!(50.00),
            percent: dec!(15),
            shipping_waiver: false,
            price_increase: true,
            waiver_max: Some(dec!(15.00)),
        };
        assert_eq!(
            operators::limits(sql, "ann", Currency::USD).unwrap(),
            operator_usd
        );
        assert_eq!(
            operators::limits(sql, "not-in-table", Currency::USD).unwrap(),
            operator_usd
        );
        let own = Limits {
            amount: dec!(80.00),
            percent: dec!(20),
            shipping_waiver: true,
            price_increase: false,
            waiver_max: None,
        };
        operators::set_limits(
            sql,
            &LimitsOf::Operator("ann".into()),
            Currency::USD,
            &own,
            "root",
        )
        .unwrap();
        let wider = Limits {
            amount: dec!(90.00),
            ..own
        };
        operators::set_limits(
            sql,
            &LimitsOf::Operator("ann".into()),
            Currency::USD,
            &wider,
            "root",
        )
        .unwrap();
        assert_eq!(operators::limits(sql, "ann", Currency::USD).unwrap(), wider);
        assert_eq!(
            operators::limits(sql, "ann", Currency::EUR).unwrap().amount,
            dec!(50.00),
            "other currencies stay the role's"
        );
        let supervisor_jpy = Limits {
            amount: dec!(30000),
            percent: dec!(45),
            shipping_waiver: true,
            price_increase: false,
            waiver_max: Some(dec!(3000)),
        };
        operators::set_limits(
            sql,
            &LimitsOf::Role(Role::Supervisor),
            Currency::JPY,
            &supervisor_jpy,
            "root",
        )
        .unwrap();
        assert_eq!(
            operators::limits(sql, "sam", Currency::JPY).unwrap(),
            supervisor_jpy
        );
        let rows = operators::limit_rows(sql).unwrap();
        assert_eq!(rows.len(), 16, "15 role rows and ann's one");
        assert_eq!(rows[0].of, LimitsOf::Role(Role::Operator));
        let last = rows.last().unwrap();
        assert_eq!(
            (&last.of, last.currency.as_str(), &last.limits),
            (&LimitsOf::Operator("ann".into()), "USD", &wider)
        );
        assert!(operators::clear_limits(sql, "ann", Currency::USD, "root").unwrap());
        assert!(!operators::clear_limits(sql, "ann", Currency::USD, "root").unwrap());
        assert_eq!(
            operators::limits(sql, "ann", Currency::USD).unwrap(),
            operator_usd
        );

        // A disabled operator has no limits at all.
        operators::set_enabled(sql, "ann", false, "root").unwrap();
        assert_eq!(
            operators::limits(sql, "ann", Currency::USD).unwrap(),
            Limits::default()
        );
        operators::set_enabled(sql, "ann", true, "root").unwrap();
        operators::set_act_as(sql, "ann", "*", "root").unwrap();
        assert_eq!(
            operators::operator(sql, "ann").unwrap().unwrap().act_as,
            "*"
        );

        // The last enabled admin stays one: the refused change is rolled
        // back, not only reported.
        operators::set_role(sql, "sam", Role::Admin, "root").unwrap();
        operators::set_enabled(sql, "root", false, "sam").unwrap();
        assert!(matches!(
            operators::set_enabled(sql, "sam", false, "sam"),
            Err(OperatorError::LastAdmin(l)) if l == "sam"
        ));
        assert!(matches!(
            operators::set_role(sql, "sam", Role::Operator, "sam"),
            Err(OperatorError::LastAdmin(_))
        ));
        let sam = operators::operator(sql, "sam").unwrap().unwrap();
        assert_eq!((sam.role, sam.enabled), (Role::Admin, true));
        assert!(matches!(
            operators::set_role(sql, "zed", Role::Admin, "sam"),
            Err(OperatorError::NotFound(_))
        ));
        assert!(matches!(
            operators::set_pin(sql, "sam", "12a4", "sam"),
            Err(OperatorError::Invalid(_))
        ));

        let want: Vec<(String, String, String)> = [
            ("root", "operator.added", "operator:root"),
            ("root", "operator.added", "operator:ann"),
            ("root", "operator.added", "operator:sam"),
            ("root", "operator.limits", "operator:ann"),
            ("root", "operator.limits", "operator:ann"),
            ("root", "operator.limits", "role:supervisor"),
            ("root", "operator.limits", "operator:ann"),
            ("root", "operator.disabled", "operator:ann"),
            ("root", "operator.enabled", "operator:ann"),
            ("root", "operator.act_as", "operator:ann"),
            ("root", "operator.role", "operator:sam"),
            ("sam", "operator.disabled", "operator:root"),
        ]
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
        assert_eq!(actions(sql), want, "refusals are not audited as changes");
    });
}

#[test]
fn pins_lock_after_five_wrong_and_approvals_hold_for_what_they_were_given() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        operators::add_operator(sql, "ann", Role::Operator, "Ann", "", "root").unwrap();
        operators::add_operator(sql, "sam", Role::Supervisor, "Sam", "", "root").unwrap();
        let refused =
            |name: &str| match operators::verify_supervisor_pin(sql, name, "2468", "ann", t0())
                .unwrap()
            {
                PinCheck::Refused(why) => why,
                other => panic!("{name}: {other:?}"),
            };
        assert!(refused("sam").contains("no PIN yet"));
        operators::set_pin(sql, "sam", "2468", "root").unwrap();
        assert!(operators::operator(sql, "sam").unwrap().unwrap().pin_set);
        assert!(refused("ann").contains("not a supervisor"));
        assert!(refused("zed").contains("not a supervisor here"));
        assert_eq!(refused("  "), "type the supervisor's name");

        for n in 1..=4 {
            assert_eq!(
                operators::verify_supervisor_pin(sql, "sam", "1111", "ann", t0()).unwrap(),
                PinCheck::Wrong {
                    failures: n,
                    locked_until: None
                }
            );
        }
        let until = match operators::verify_supervisor_pin(sql, "sam", "1111", "ann", t0()).unwrap()
        {
            PinCheck::Wrong {
                failures: 5,
                locked_until: Some(until),
            } => until,
            other => panic!("the fifth wrong PIN locks: {other:?}"),
        };
        // SQLite locks on the console's clock; PostgreSQL checks the PIN
        // itself, on the server's (a console's clock could be set ahead).
        match sql.backend() {
            Backend::Sqlite => assert_eq!(until, "2026-11-25T10:15:00Z"),
            Backend::Postgres => {
                let soon = |m| operators::time_text(Utc::now() + chrono::Duration::minutes(m));
                assert!(until > soon(14) && until < soon(16), "{until}");
            }
        }
        // Locked: even the right PIN is not checked, until the lock passes.
        assert_eq!(
            operators::verify_supervisor_pin(sql, "sam", "2468", "ann", t0()).unwrap(),
            PinCheck::Locked {
                until: until.clone()
            }
        );
        let later = t0() + chrono::Duration::minutes(16);
        if sql.backend() == Backend::Postgres {
            // The lock passes on the server's clock.
            sql.execute(
                "UPDATE operators SET pin_locked_until = '2026-01-01T00:00:00Z' WHERE login = 'sam'",
                &[],
            )
            .unwrap();
        }
        assert_eq!(
            operators::verify_supervisor_pin(sql, " sam ", "2468", "ann", later).unwrap(),
            PinCheck::Approved {
                login: "sam".into(),
                role: Role::Supervisor
            }
        );
        let sam = operators::operator(sql, "sam").unwrap().unwrap();
        assert_eq!(sam.pin_locked_until, None, "a right PIN clears the lock");

        let approval = operators::record_approval(
            sql,
            &NewApproval {
                operator: "ann",
                supervisor: "sam",
                action: "adjustment",
                order_token: "tok-1",
                subject: "order:tok-1",
                detail: "20.00 off line 1",
            },
            later,
        )
        .unwrap();
        assert!(approval.id > 0);
        assert_eq!(
            (approval.supervisor.as_str(), approval.at.as_str()),
            ("sam", "2026-11-25T10:16:00Z")
        );
        let state = |asker: &str, token: &str| {
            operators::approval_state(
                sql,
                approval.id,
                asker,
                token,
                "adjustment",
                &format!("order:{token}"),
                Currency::USD,
            )
            .unwrap()
        };
        assert_eq!(
            state("ann", "tok-1"),
            ApprovalState::Holds {
                supervisor: "sam".into(),
                limits: operators::limits(sql, "sam", Currency::USD).unwrap(),
            }
        );
        assert_eq!(
            state("bob", "tok-1"),
            ApprovalState::Void("it was given to ann".into())
        );
        assert_eq!(
            state("ann", "tok-2"),
            ApprovalState::Void("it was given for something else".into())
        );
        assert_eq!(
            operators::approval_state(
                sql,
                approval.id + 100,
                "ann",
                "tok-1",
                "adjustment",
                "order:tok-1",
                Currency::USD
            )
            .unwrap(),
            ApprovalState::Void("it is not on file".into())
        );
        operators::set_enabled(sql, "sam", false, "root").unwrap();
        assert_eq!(
            state("ann", "tok-1"),
            ApprovalState::Void("sam is disabled".into())
        );

        let audited: Vec<String> = actions(sql)
            .into_iter()
            .filter(|(_, a, _)| a.starts_with("approval."))
            .map(|(who, a, subject)| format!("{who} {a} {subject}"))
            .collect();
        let mut want = vec!["ann approval.pin_wrong operator:sam".to_string(); 5];
        want.extend([
            "ann approval.pin_locked operator:sam".to_string(),
            "ann approval.pin_refused operator:sam".to_string(),
            "ann approval.granted order:tok-1".to_string(),
        ]);
        assert_eq!(audited, want);
    });
}

/// Two consoles typing wrong PINs for the same supervisor at once: every
/// one counts (PostgreSQL runs the losing counter again, SQLite queues it).
#[test]
fn wrong_pins_from_two_consoles_all_count() {
    on_both(|target| {
        let conn = target.connect();
        let sql = conn.sql();
        operators::add_operator(sql, "sam", Role::Supervisor, "Sam", "", "root").unwrap();
        operators::set_pin(sql, "sam", "2468", "root").unwrap();
        let mut counts: Vec<i64> = std::thread::scope(|s| {
            let consoles: Vec<_> = (0..2)
                .map(|_| {
                    let conn = target.connect();
                    s.spawn(move || {
                        (0..2)
                            .map(|_| {
                                match operators::verify_supervisor_pin(
                                    conn.sql(),
                                    "sam",
                                    "9999",
                                    "ann",
                                    t0(),
                                )
                                .expect("counted")
                                {
                                    PinCheck::Wrong { failures, .. } => failures,
                                    other => panic!("{other:?}"),
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            consoles
                .into_iter()
                .flat_map(|c| c.join().expect("console"))
                .collect()
        });
        counts.sort();
        assert_eq!(counts, vec![1, 2, 3, 4]);
    });
}
