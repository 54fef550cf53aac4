use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn choice(on: &str) -> DayChoice {
    DayChoice {
        child_id: ChildId(Uuid::from_u128(1)),
        activity_id: ActivityId(Uuid::from_u128(2)),
        day: day(on),
    }
}

#[test]
fn a_day_is_put_in_once_and_cancellations_come_first_then_days_in_order() {
    let mut basket = Basket::new();
    basket.add_booking(choice("2026-12-09")).unwrap();
    basket.add_booking(choice("2026-12-02")).unwrap();
    basket.add_booking(choice("2026-12-09")).unwrap();
    basket.add_cancellation(ReservationId(Uuid::from_u128(3)));
    basket.add_cancellation(ReservationId(Uuid::from_u128(3)));
    assert_eq!(
        basket.lines,
        vec![
            LineRequest::Cancel {
                reservation_id: ReservationId(Uuid::from_u128(3))
            },
            choice("2026-12-02").line(),
            choice("2026-12-09").line(),
        ]
    );
    assert_eq!((basket.bookings(), basket.cancellations()), (2, 1));
}

#[test]
fn a_full_basket_refuses_a_new_day_but_not_one_it_holds() {
    let mut basket = Basket::new();
    let first = day("2026-01-01");
    for n in 0..BASKET_MAX_LINES {
        let on = first + chrono::Days::new(n as u64);
        basket.add_booking(choice(&on.to_string())).unwrap();
    }
    assert_eq!(
        basket.add_booking(choice("2030-01-01")),
        Err(PortalRefusal::BasketFull {
            max: BASKET_MAX_LINES
        })
    );
    assert_eq!(
        PortalRefusal::BasketFull {
            max: BASKET_MAX_LINES
        }
        .to_string(),
        "Votre panier contient déjà 200 demandes : validez-les avant d'en ajouter."
    );
    assert_eq!(basket.add_booking(choice("2026-01-01")), Ok(()));
    assert_eq!(basket.lines.len(), BASKET_MAX_LINES);
}

#[test]
fn taking_out_removes_the_day_and_only_the_cancellation_named() {
    let mut basket = Basket::new();
    let reservation = ReservationId(Uuid::from_u128(3));
    basket.add_booking(choice("2026-12-02")).unwrap();
    basket.add_cancellation(reservation);
    basket.take_out(choice("2026-12-02"), None);
    assert!(!basket.holds_booking(choice("2026-12-02")));
    assert!(basket.holds_cancellation(reservation));
    basket.take_out(choice("2026-12-02"), Some(reservation));
    assert!(basket.lines.is_empty());
}

#[test]
fn a_validated_basket_is_renewed_keeping_the_clicks_that_came_meanwhile() {
    let mut basket = Basket::new();
    basket.add_booking(choice("2026-12-02")).unwrap();
    let submitted = basket.lines.clone();
    let form = basket.form_id.clone();
    basket.add_booking(choice("2026-12-09")).unwrap();
    basket.renew_after("another form", &submitted);
    assert_eq!(basket.form_id, form);
    basket.renew_after(&form, &submitted);
    assert_ne!(basket.form_id, form);
    assert_eq!(basket.lines, vec![choice("2026-12-09").line()]);
}
