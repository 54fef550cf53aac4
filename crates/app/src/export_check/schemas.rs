//! The event schemas of `events-schema/`, embedded so that an auditor's offline check
//! (`portail events import-check`) needs no checkout and no database.

/// (event type, schema version, JSON Schema text), one per file of `events-schema/`.
pub(super) const SCHEMAS: &[(&str, u32, &str)] = &[
    (
        "AbsenceRecorded",
        1,
        include_str!("../../../../events-schema/AbsenceRecorded.v1.json"),
    ),
    (
        "ActivityCapacityChanged",
        1,
        include_str!("../../../../events-schema/ActivityCapacityChanged.v1.json"),
    ),
    (
        "ActivityDefined",
        1,
        include_str!("../../../../events-schema/ActivityDefined.v1.json"),
    ),
    (
        "ActivityDefined",
        2,
        include_str!("../../../../events-schema/ActivityDefined.v2.json"),
    ),
    (
        "ActivityDefined",
        3,
        include_str!("../../../../events-schema/ActivityDefined.v3.json"),
    ),
    (
        "ActivityPriceChanged",
        1,
        include_str!("../../../../events-schema/ActivityPriceChanged.v1.json"),
    ),
    (
        "ActivityPriceChanged",
        2,
        include_str!("../../../../events-schema/ActivityPriceChanged.v2.json"),
    ),
    (
        "BasketSubmitted",
        1,
        include_str!("../../../../events-schema/BasketSubmitted.v1.json"),
    ),
    (
        "BookingAccepted",
        1,
        include_str!("../../../../events-schema/BookingAccepted.v1.json"),
    ),
    (
        "BookingRefused",
        1,
        include_str!("../../../../events-schema/BookingRefused.v1.json"),
    ),
    (
        "BookingRequested",
        1,
        include_str!("../../../../events-schema/BookingRequested.v1.json"),
    ),
    (
        "BookingWaitlisted",
        1,
        include_str!("../../../../events-schema/BookingWaitlisted.v1.json"),
    ),
    (
        "BookingWindowDefined",
        1,
        include_str!("../../../../events-schema/BookingWindowDefined.v1.json"),
    ),
    (
        "CancellationRequested",
        1,
        include_str!("../../../../events-schema/CancellationRequested.v1.json"),
    ),
    (
        "ChildRegistered",
        1,
        include_str!("../../../../events-schema/ChildRegistered.v1.json"),
    ),
    (
        "ConsumptionRecorded",
        1,
        include_str!("../../../../events-schema/ConsumptionRecorded.v1.json"),
    ),
    (
        "ConsumptionRecorded",
        2,
        include_str!("../../../../events-schema/ConsumptionRecorded.v2.json"),
    ),
    (
        "FamilyDossierUpdated",
        1,
        include_str!("../../../../events-schema/FamilyDossierUpdated.v1.json"),
    ),
    (
        "FamilyQuotientSet",
        1,
        include_str!("../../../../events-schema/FamilyQuotientSet.v1.json"),
    ),
    (
        "FamilyRegistered",
        1,
        include_str!("../../../../events-schema/FamilyRegistered.v1.json"),
    ),
    (
        "FamilyStructuresChanged",
        1,
        include_str!("../../../../events-schema/FamilyStructuresChanged.v1.json"),
    ),
    (
        "OnlinePaymentConfirmed",
        1,
        include_str!("../../../../events-schema/OnlinePaymentConfirmed.v1.json"),
    ),
    (
        "OnlinePaymentConfirmed",
        2,
        include_str!("../../../../events-schema/OnlinePaymentConfirmed.v2.json"),
    ),
    (
        "OnlinePaymentFailed",
        1,
        include_str!("../../../../events-schema/OnlinePaymentFailed.v1.json"),
    ),
    (
        "OnlinePaymentStarted",
        1,
        include_str!("../../../../events-schema/OnlinePaymentStarted.v1.json"),
    ),
    (
        "OnlinePaymentStarted",
        2,
        include_str!("../../../../events-schema/OnlinePaymentStarted.v2.json"),
    ),
    (
        "OpeningPeriodDefined",
        1,
        include_str!("../../../../events-schema/OpeningPeriodDefined.v1.json"),
    ),
    (
        "OrganisationConfigured",
        1,
        include_str!("../../../../events-schema/OrganisationConfigured.v1.json"),
    ),
    (
        "OrganisationConfigured",
        2,
        include_str!("../../../../events-schema/OrganisationConfigured.v2.json"),
    ),
    (
        "PaymentCancelled",
        1,
        include_str!("../../../../events-schema/PaymentCancelled.v1.json"),
    ),
    (
        "PaymentCancelled",
        2,
        include_str!("../../../../events-schema/PaymentCancelled.v2.json"),
    ),
    (
        "PaymentRecorded",
        1,
        include_str!("../../../../events-schema/PaymentRecorded.v1.json"),
    ),
    (
        "PaymentRecorded",
        2,
        include_str!("../../../../events-schema/PaymentRecorded.v2.json"),
    ),
    (
        "RequestWithdrawn",
        1,
        include_str!("../../../../events-schema/RequestWithdrawn.v1.json"),
    ),
    (
        "ReservationCancelled",
        1,
        include_str!("../../../../events-schema/ReservationCancelled.v1.json"),
    ),
    (
        "StaffAccountChanged",
        1,
        include_str!("../../../../events-schema/StaffAccountChanged.v1.json"),
    ),
    (
        "StaffAccountDisabled",
        1,
        include_str!("../../../../events-schema/StaffAccountDisabled.v1.json"),
    ),
    (
        "StaffAccountOpened",
        1,
        include_str!("../../../../events-schema/StaffAccountOpened.v1.json"),
    ),
    (
        "StructureDefined",
        1,
        include_str!("../../../../events-schema/StructureDefined.v1.json"),
    ),
    (
        "TransmissionCompleted",
        1,
        include_str!("../../../../events-schema/TransmissionCompleted.v1.json"),
    ),
    (
        "TransmissionStarted",
        1,
        include_str!("../../../../events-schema/TransmissionStarted.v1.json"),
    ),
    (
        "WaitlistPromoted",
        1,
        include_str!("../../../../events-schema/WaitlistPromoted.v1.json"),
    ),
    (
        "WalletDefined",
        1,
        include_str!("../../../../events-schema/WalletDefined.v1.json"),
    ),
];

/// The schema text of an event type and version.
pub(super) fn schema(event_type: &str, version: u32) -> Option<&'static str> {
    SCHEMAS
        .iter()
        .find(|(t, v, _)| *t == event_type && *v == version)
        .map(|(_, _, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_version_has_its_schema_embedded_and_nothing_else_is() {
        let mut expected: Vec<(String, u32)> = domain::CATALOG
            .iter()
            .flat_map(|info| {
                info.versions
                    .iter()
                    .map(move |v| (info.event_type.to_owned(), *v))
            })
            .collect();
        expected.sort();
        let mut embedded: Vec<(String, u32)> = SCHEMAS
            .iter()
            .map(|(t, v, _)| ((*t).to_owned(), *v))
            .collect();
        embedded.sort();
        assert_eq!(embedded, expected);
        let on_disk =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../events-schema"))
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "json")
                })
                .count();
        assert_eq!(on_disk, SCHEMAS.len(), "a schema file is not embedded");
    }
}
