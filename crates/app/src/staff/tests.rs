use domain::staff::{Permission, Role};

use super::{permission_label, role_label};

/// The table of `docs/staff.md` between its markers, as the code defines it.
fn permissions_table() -> String {
    let mut table = format!(
        "| Permission | Allows | {} |\n| --- | --- | {} |\n",
        Role::ALL.map(role_label).join(" | "),
        Role::ALL.map(|_| "---").join(" | ")
    );
    for permission in Permission::ALL {
        let marks = Role::ALL.map(|role| {
            if role.permissions().contains(&permission) {
                "✓"
            } else {
                ""
            }
        });
        table.push_str(&format!(
            "| `{permission:?}` | {} | {} |\n",
            permission_label(permission),
            marks.join(" | ")
        ));
    }
    table
}

#[test]
fn the_staff_guide_shows_the_permissions_of_every_role_as_the_code_grants_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/staff.md");
    let guide = std::fs::read_to_string(path).expect("docs/staff.md");
    let start = "<!-- staff-permissions: generated from domain::staff, checked by a test of crates/app -->\n";
    let block = guide
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once("<!-- /staff-permissions -->"))
        .map(|(block, _)| block)
        .expect("the staff-permissions markers");
    assert_eq!(block, permissions_table());
}

mod access_log {
    use std::sync::Arc;

    use chrono::{Duration, TimeZone, Utc};
    use domain::ids::{FamilyId, StaffId, derive_id};
    use domain::staff::{Permission, Role, StaffRights};

    use crate::staff::{
        AccessKind, Acting, StaffMember, StaffRefusal, access_log, purge_access_log, record_access,
    };
    use crate::{App, AppError, FixedClock};

    fn member(roles: Vec<Role>) -> StaffMember {
        StaffMember {
            staff_id: StaffId::from_uuid(uuid::Uuid::from_u128(42)),
            login: "agent".to_owned(),
            name: "Agent".to_owned(),
            email: None,
            rights: StaffRights {
                roles,
                structures: vec![],
            },
            activated: true,
            enrolled: true,
            disabled: false,
            demo: false,
        }
    }

    fn open(path: &std::path::Path, at: chrono::DateTime<Utc>) -> App {
        App::open(path, Arc::new(FixedClock(at))).expect("open")
    }

    #[test]
    fn each_look_at_a_file_is_one_line_for_administration_and_goes_after_six_months() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("log.db");
        let monday = Utc
            .with_ymd_and_hms(2026, 12, 7, 9, 0, 0)
            .single()
            .expect("instant");
        let family = FamilyId::from_uuid(derive_id("family", "dupont"));
        let agent = Acting::member(&member(vec![Role::Accueil]));
        let admin = Acting::member(&member(vec![Role::Administration]));
        {
            let app = open(&path, monday);
            for kind in [AccessKind::FamilyFile, AccessKind::FamilyDocument] {
                let agent = agent.clone();
                app.execute("system:test", move |command| {
                    let now = command.now();
                    record_access(command.conn(), &agent, family, kind, now)
                })
                .expect("recorded");
            }
            let (lines, total) = access_log(&app, &admin, 0, 10).expect("administration reads it");
            assert_eq!(total, 2);
            assert_eq!(lines[0].kind, AccessKind::FamilyDocument);
            assert_eq!(lines[1].family_id, family);
            assert_eq!(lines[1].staff_id, agent.actor().staff());
            assert!(matches!(
                access_log(&app, &agent, 0, 10),
                Err(AppError::Staff(StaffRefusal::NotAllowed(
                    Permission::ViewAccessLog
                )))
            ));
        }
        {
            let app = open(&path, monday + Duration::days(180));
            assert_eq!(purge_access_log(&app).expect("purge"), 0, "kept six months");
        }
        let app = open(&path, monday + Duration::days(184));
        assert_eq!(purge_access_log(&app).expect("purge"), 2);
        assert_eq!(access_log(&app, &admin, 0, 10).expect("read").1, 0);
    }
}

#[test]
fn a_missing_permission_reads_as_french_with_de_elided_before_a_vowel() {
    use crate::staff::{StaffRefusal, not_allowed_text};
    use domain::staff::Permission;
    assert_eq!(
        StaffRefusal::NotAllowed(Permission::ExportMoney).to_string(),
        "Votre compte ne permet pas d'exporter les chiffres de la régie : rien n'a été enregistré."
    );
    for permission in Permission::ALL {
        let text = not_allowed_text(permission);
        let rest = text.trim_start_matches("Votre compte ne permet pas ");
        let vowel_after_de = rest
            .strip_prefix("de ")
            .and_then(|w| w.chars().next())
            .is_some_and(|c| "aeéèêiouy".contains(c));
        assert!(!vowel_after_de, "« {text} »");
    }
}
