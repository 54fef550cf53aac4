use super::*;

#[test]
fn every_state_and_kind_reads_back_from_its_column() {
    for state in [
        ReservationState::Pending,
        ReservationState::Accepted,
        ReservationState::Waitlisted,
        ReservationState::Refused,
        ReservationState::Cancelled,
        ReservationState::Withdrawn,
        ReservationState::Handled,
    ] {
        assert_eq!(state_from_column(state_column(state)).ok(), Some(state));
    }
    for kind in [RequestKind::Booking, RequestKind::Cancellation] {
        assert_eq!(kind_from_column(kind_column(kind)).ok(), Some(kind));
    }
    assert!(state_from_column("acceptée").is_err());
}
