use chrono::NaiveDate;
use domain::Money;

use crate::money::MoneyRefusal;

#[test]
fn refusals_read_as_the_services_always_wrote_them() {
    let day = NaiveDate::from_ymd_opt(2027, 1, 13).unwrap();
    assert_eq!(
        MoneyRefusal::DayNotOver { day }.to_string(),
        "Le 13/01/2027 n'est pas encore passé : les consommations se facturent le lendemain."
    );
    assert_eq!(
        MoneyRefusal::AlreadyBilled {
            day,
            first_name: "Lilou".to_owned()
        }
        .to_string(),
        "La journée du 13/01/2027 de Lilou est déjà facturée : une absence justifiée doit être saisie avant la facturation."
    );
    assert_eq!(
        MoneyRefusal::AmountOutOfBounds {
            amount: Money::from_cents(50),
            minimum: Money::from_cents(100),
            maximum: Money::from_cents(10_000_000),
        }
        .to_string(),
        "Le montant à créditer doit être compris entre 1.00 € et 100000.00 € (limites du paiement par carte) ; 0.50 € ne convient pas."
    );
    assert_eq!(
        MoneyRefusal::UnknownPaymentMode {
            typed: "XX".to_owned()
        }
        .to_string(),
        "Mode de règlement inconnu : « XX » (CH, ESP, CB, PRLV, VIR, CESU ou ANCV)."
    );
}
