//! The demo's history, recorded after the import as the booking engine and the desk would have
//! recorded it: past transmissions, requests still pending, consumptions and payments.

mod transmission;

use chrono::{Datelike, Days, NaiveDate};
use domain::event::payloads::{
    BasketSubmitted, BookingRequested, ConsumptionRecorded, PaymentRecorded, PresenceRecorded,
};
use domain::ids::{BasketId, ConsumptionId, PaymentId, PresenceId, RequestId, ReservationId};
use domain::values::{Forecast, PaymentMode, RefusalReason};

use self::transmission::{Booking, Line, Transmission};
use super::catalogue::{
    self, APRES_MIDI_6_12_CAPACITY, APRES_MIDI_6_12_WAITLIST, DemoActivity, MATIN_6_12_CAPACITY,
    MATIN_6_12_WAITLIST,
};
use super::world::{LILOU_WAITING, World, demo_id, money, paris};
use crate::registry::{self, PaymentDetails};
use crate::{AppError, Command};

impl World {
    /// Reservations, transmissions, consumptions and payments, as if the portal had been used.
    pub(super) fn record_history(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let mut history =
            Transmission::new("history", paris(self.history_start - Days::new(1), 2, 0));
        self.book_past_wednesdays(&mut history);
        self.book_coming_days(&mut history);
        self.book_full_days(&mut history);
        let mut accepted = history.record(command)?;
        if let Some(day) = self.coming_wednesdays().get(LILOU_WAITING) {
            let mut waiting =
                Transmission::new("waiting", paris(self.history_start - Days::new(1), 3, 0));
            self.book_lilou_waiting(&mut waiting, *day);
            accepted.extend(waiting.record(command)?);
        }
        // Last night's transmission had nothing new: it dates the "dernière mise à jour". It is
        // the last one that has passed (built at 01:30, the one of yesterday 02:00).
        Transmission::new("last-night", self.last_night).record(command)?;
        self.record_pending(command)?;
        self.record_consumptions(command, &accepted)?;
        self.record_cheques(command)
    }

    /// Past Wednesdays of the previous month: Lilou and Antoine in the morning, Léo MARTIN the
    /// whole day (unpaid: his family owes more than the threshold).
    /// This month they stayed the whole day, so the family owes a little (less than the
    /// threshold: Jean-Paul DUPONT can still book, and "Paiement CB" has something to pay).
    fn book_past_wednesdays(&self, history: &mut Transmission) {
        let dupont = &self.households.dupont;
        let (lilou, antoine) = (dupont.children[0].id, dupont.children[1].id);
        let martin = &self.households.martin;
        let leo = martin.children[0].id;
        for day in self.past_wednesdays() {
            if day.month() == self.history_start.month() {
                history.book(dupont.id, lilou, DemoActivity::Matin612, day);
                history.book(dupont.id, antoine, DemoActivity::Matin36, day);
                history.book(martin.id, leo, DemoActivity::Journee612, day);
            } else {
                history.book(dupont.id, lilou, DemoActivity::Journee612, day);
                history.book(dupont.id, antoine, DemoActivity::Journee36, day);
            }
        }
    }

    /// Coming: Lilou's mornings on the next two Wednesdays and the next one's afternoon,
    /// Antoine two days of the holiday week.
    fn book_coming_days(&self, history: &mut Transmission) {
        let dupont = &self.households.dupont;
        let (lilou, antoine) = (dupont.children[0].id, dupont.children[1].id);
        let coming = self.coming_wednesdays();
        for day in coming.iter().take(2) {
            history.book(dupont.id, lilou, DemoActivity::Matin612, *day);
        }
        if let Some(next) = coming.first() {
            history.book(dupont.id, lilou, DemoActivity::ApresMidi612, *next);
        }
        for day in self.holiday_week.iter().take(2) {
            history.book(dupont.id, antoine, DemoActivity::Journee36, *day);
        }
    }

    /// Days the other families filled (in log order, after Lilou): the second Wednesday's
    /// morning is full with one child waiting (rank 1: the promotion to watch) and its
    /// afternoon full with room on the waitlist; the third Wednesday is full morning and
    /// afternoon, waitlists full.
    fn book_full_days(&self, history: &mut Transmission) {
        let coming = self.coming_wednesdays();
        let mut fill = |activity: DemoActivity, day: NaiveDate, children: u32| {
            let fillers = self.households.fillers.iter();
            let children_of = fillers.flat_map(|f| f.children.iter().map(move |c| (f.id, c.id)));
            for (family, child) in children_of.take(children as usize) {
                history.book(family, child, activity, day);
            }
        };
        if let Some(second) = coming.get(1) {
            fill(DemoActivity::Matin612, *second, MATIN_6_12_CAPACITY);
            fill(
                DemoActivity::ApresMidi612,
                *second,
                APRES_MIDI_6_12_CAPACITY,
            );
        }
        if let Some(third) = coming.get(2) {
            fill(
                DemoActivity::Matin612,
                *third,
                MATIN_6_12_CAPACITY + MATIN_6_12_WAITLIST,
            );
            fill(
                DemoActivity::ApresMidi612,
                *third,
                APRES_MIDI_6_12_CAPACITY + APRES_MIDI_6_12_WAITLIST,
            );
        }
    }

    /// A later transmission: the other families fill the afternoon of `day`, then Lilou asks
    /// and waits (rank 1) until a director raises the capacity (the guide's capacity raise).
    fn book_lilou_waiting(&self, waiting: &mut Transmission, day: NaiveDate) {
        let fillers = self.households.fillers.iter();
        let children = fillers.flat_map(|f| f.children.iter().map(move |c| (f.id, c.id)));
        for (family, child) in children.take(APRES_MIDI_6_12_CAPACITY as usize) {
            waiting.book(family, child, DemoActivity::ApresMidi612, day);
        }
        let dupont = &self.households.dupont;
        waiting.book(
            dupont.id,
            dupont.children[0].id,
            DemoActivity::ApresMidi612,
            day,
        );
    }

    /// Pending requests (Non transmis), sent by Jean-Paul DUPONT after last night: Lilou on
    /// the fourth Wednesday's morning, and on the third Wednesday's afternoon, which is full
    /// with its waitlist full: the récapitulatif forecast a refusal, the next transmission
    /// refuses it (« Refusée — liste d'attente complète » in Suivi).
    fn pending_requests(&self) -> Vec<(DemoActivity, NaiveDate, Forecast)> {
        let coming = self.coming_wednesdays();
        let mut pending = Vec::new();
        if let Some(fourth) = coming.get(3) {
            pending.push((DemoActivity::Matin612, *fourth, Forecast::PlaceAvailable));
        }
        if let Some(third) = coming.get(2) {
            pending.push((
                DemoActivity::ApresMidi612,
                *third,
                Forecast::Refused {
                    reason: RefusalReason::WaitlistFull,
                },
            ));
        }
        pending
    }

    fn record_pending(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let pending = self.pending_requests();
        if pending.is_empty() {
            return Ok(());
        }
        let dupont = &self.households.dupont;
        let lilou = dupont.children[0].id;
        let basket = BasketId::from_uuid(demo_id("basket", "dupont-pending"));
        command.emit(BasketSubmitted {
            basket_id: basket,
            family_id: dupont.id,
            client_request_id: "demo-dupont-pending".to_owned(),
            booking_lines: pending.len() as u32,
            cancellation_lines: 0,
        })?;
        for (activity, day, forecast) in pending {
            command.emit(BookingRequested {
                request_id: RequestId::from_uuid(demo_id(
                    "request",
                    &format!("pending-{lilou}-{activity}-{day}"),
                )),
                basket_id: basket,
                family_id: dupont.id,
                child_id: lilou,
                activity_id: activity.id(),
                day,
                forecast,
            })?;
        }
        Ok(())
    }

    /// Consumptions of the past days (what the nightly job records), at the prices in force,
    /// and the attendance the centres took those days (every child came), so the CAF's
    /// attendance export and the day's detail have their figures. The last Wednesday's sheet is
    /// left to take: the guide sends the desk there (« Pointage »).
    fn record_consumptions(
        &self,
        command: &mut Command<'_, '_>,
        accepted: &[Booking],
    ) -> Result<(), AppError> {
        let mut billed_this_month = false;
        let sheet_to_take = self.past_wednesdays().last().copied();
        for booking in accepted.iter().filter(|b| b.line.day < self.today) {
            billed_this_month |= booking.line.day >= self.month_start();
            let key = booking.reservation.to_string();
            command.emit(consumption(&key, booking.line, Some(booking.reservation)))?;
            if sheet_to_take.is_some_and(|last| booking.line.day < last) {
                command.emit(presence(&key, booking.line, booking.reservation))?;
            }
        }
        if !billed_this_month {
            self.record_walk_in(command)?;
        }
        Ok(())
    }

    /// Early in the month no Wednesday has passed yet: Antoine came on the first day of the
    /// month without a reservation (a consumption the desk records), so « le mois en cours » has
    /// its line.
    fn record_walk_in(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let dupont = &self.households.dupont;
        let line = Line {
            family: dupont.id,
            child: dupont.children[1].id,
            activity: DemoActivity::Matin36,
            day: self.month_start(),
        };
        let key = format!("{}-{}-{}", line.child, line.activity, line.day);
        command.emit(consumption(&key, line, None))?;
        Ok(())
    }

    /// Two cheques at the desk, as in the seed's "Historique des règlements".
    fn record_cheques(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let dupont = &self.households.dupont;
        let cheques = [
            (
                "789456",
                "90.00",
                self.history_start
                    .with_day(15)
                    .unwrap_or(self.history_start),
            ),
            (
                "124456",
                "50.00",
                self.today
                    .with_day(self.today.day().min(10))
                    .unwrap_or(self.today),
            ),
        ];
        for (number, amount, paid_on) in cheques {
            let payment = PaymentId::from_uuid(demo_id("payment", number));
            registry::save_payment_details(
                command.conn(),
                payment.0,
                &PaymentDetails {
                    piece_number: Some(number.to_owned()),
                    payer_name: Some(dupont.payer_name.clone()),
                    bank_name: Some("LBP".to_owned()),
                },
            )?;
            registry::number_receipt(
                command.conn(),
                payment.0,
                catalogue::wallet_id(),
                paid_on.year(),
            )?;
            command.emit(PaymentRecorded {
                payment_id: payment,
                family_id: dupont.id,
                wallet_id: catalogue::wallet_id(),
                amount: money(amount),
                mode: PaymentMode::Cheque,
                paid_on,
            })?;
        }
        Ok(())
    }
}

/// The consumption of `line` at its activity's price, its id derived from `key`.
fn presence(key: &str, line: Line, reservation: ReservationId) -> PresenceRecorded {
    PresenceRecorded {
        presence_id: PresenceId::from_uuid(demo_id("presence", key)),
        family_id: line.family,
        child_id: line.child,
        activity_id: line.activity.id(),
        day: line.day,
        reservation_id: Some(reservation),
    }
}

fn consumption(key: &str, line: Line, reservation: Option<ReservationId>) -> ConsumptionRecorded {
    let unit_price = line.activity.unit_price();
    let quantity = line.activity.quantity_per_day();
    ConsumptionRecorded {
        consumption_id: ConsumptionId::from_uuid(demo_id("consumption", key)),
        family_id: line.family,
        wallet_id: catalogue::wallet_id(),
        child_id: line.child,
        activity_id: line.activity.id(),
        day: line.day,
        unit_price,
        quantity,
        amount: unit_price.times(quantity),
        reservation_id: reservation,
    }
}
