use super::*;

#[test]
fn every_card_payment_state_reads_back_from_its_stored_code() {
    let states = [
        OnlinePaymentState::Started,
        OnlinePaymentState::Paid,
        OnlinePaymentState::Failed(OnlinePaymentFailure::Refused),
        OnlinePaymentState::Failed(OnlinePaymentFailure::Cancelled),
        OnlinePaymentState::Failed(OnlinePaymentFailure::Expired),
    ];
    let codes: Vec<&str> = states.iter().map(|s| s.code()).collect();
    assert_eq!(
        codes,
        ["started", "paid", "refused", "cancelled", "expired"],
        "the codes stored in online_payments.state"
    );
    for state in states {
        assert_eq!(OnlinePaymentState::from_code(state.code()), Some(state));
    }
    assert_eq!(OnlinePaymentState::from_code("acceptee"), None);
}
