//! Loading the organisation of a province from the reference data shipped in `data/`
//! (see `data/SOURCES.md`), and the demo accounts.

use crate::audit::{AuditEvent, append};
use crate::units::NewUnit;
use crate::users::NewUser;
use crate::{Result, Store, StoreError, settings};
use dieuhanh_core::org::{self, HCMC_PROVINCE_CODE, ReferenceData, UnitKind};
use dieuhanh_core::policy::Role;
use serde_json::json;
use std::collections::HashMap;

/// The date the two-tier organisation took effect (Resolution 1685/NQ-UBTVQH15,
/// Decision 19/2025/QĐ-TTg): the start of validity of every seeded unit.
pub const ORGANISATION_EFFECTIVE: &str = "2025-07-01";

const BOUNDARY_SOURCE: &str =
    "thanglequoc/vietnamese-provinces-database v3.0.2 (diaphanhanhchinhcapxa_2025)";

/// The reference files compiled into the binary.
pub fn reference_data() -> ReferenceData<'static> {
    ReferenceData {
        national_units_csv: include_str!("../../../data/vn-units-2025.csv"),
        hcmc_units_csv: include_str!("../../../data/hcmc-units-2025.csv"),
        hcmc_agencies_csv: include_str!("../../../data/hcmc-agencies-2025.csv"),
    }
}

/// The public-sector working-day calendar shipped in `data/` (see `data/SOURCES.md`).
pub const CALENDAR_YEARS_CSV: &str = include_str!("../../../data/vn-calendar-years.csv");
pub const CALENDAR_DAYS_CSV: &str = include_str!("../../../data/vn-public-sector-calendar.csv");

/// Unit boundaries shipped for a province, if any (HCMC only today).
pub fn reference_boundaries(province_code: &str) -> Option<&'static str> {
    (province_code == HCMC_PROVINCE_CODE).then_some(include_str!(
        "../../../data/hcmc-units-2025-boundaries.geojson"
    ))
}

/// Whether the organisation has been loaded.
pub async fn is_initialised(store: &Store) -> Result<Option<String>> {
    settings::get(store, settings::PROVINCE).await
}

/// Loads one province's units (and boundaries where shipped) in one transaction.
/// `progress(done, total)` reports each unit written.
pub async fn init_province(
    store: &Store,
    province_code: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    if let Some(existing) = is_initialised(store).await? {
        return Err(StoreError::Conflict(format!(
            "this database is already initialised for province {existing}"
        )));
    }
    let seeds = org::province_units(&reference_data(), province_code)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let boundaries = match reference_boundaries(province_code) {
        Some(text) => geometries_by_code(text)?,
        None => HashMap::new(),
    };
    let mut tx = store.begin().await?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    let total = seeds.len();
    for (i, seed) in seeds.iter().enumerate() {
        let parent_id = seed.parent_code.as_ref().and_then(|c| ids.get(c).copied());
        let id = crate::units::insert(
            &mut tx,
            &NewUnit {
                code: &seed.code,
                name: &seed.name,
                name_en: seed.name_en.as_deref(),
                kind: seed.kind,
                parent_id,
                province_code,
                old_province: seed.old_province.as_deref(),
                domains: seed.domains.as_deref(),
                source: &seed.source,
                valid_from: ORGANISATION_EFFECTIVE,
            },
        )
        .await?;
        if let Some(geometry) = boundaries.get(&seed.code) {
            crate::units::store_boundary(&mut tx, id, geometry, BOUNDARY_SOURCE).await?;
        }
        append(
            &mut tx,
            AuditEvent {
                unit_id: id,
                actor_id: None,
                entity: "unit",
                entity_id: seed.code.clone(),
                action: "unit.create",
                summary: json!({"after": {"code": seed.code, "name": seed.name, "kind": seed.kind.as_str(), "valid_from": ORGANISATION_EFFECTIVE}}),
            },
        )
        .await?;
        ids.insert(seed.code.clone(), id);
        progress(i + 1, total);
    }
    settings::set(&mut tx, settings::PROVINCE, province_code).await?;
    tx.commit().await?;
    Ok(total)
}

fn geometries_by_code(text: &str) -> Result<HashMap<String, String>> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let features = value["features"]
        .as_array()
        .ok_or_else(|| StoreError::Corrupt("boundary file has no features".into()))?;
    Ok(features
        .iter()
        .filter_map(|f| {
            let code = f["properties"]["code"].as_str()?;
            Some((code.to_string(), f["geometry"].to_string()))
        })
        .collect())
}

/// A demo account, listed in the README.
pub struct DemoAccount {
    pub username: &'static str,
    pub full_name: &'static str,
    pub title: &'static str,
    pub role: Role,
    pub unit_code: &'static str,
}

/// The accounts a person trying the demo logs in with.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        full_name: "Quản trị hệ thống",
        title: "Quản trị viên",
        role: Role::SystemAdmin,
        unit_code: "79",
    },
    DemoAccount {
        username: "lanhdao",
        full_name: "Trần Minh Đức",
        title: "Phó Chủ tịch UBND Thành phố",
        role: Role::CityLeader,
        unit_code: "79",
    },
    DemoAccount {
        username: "so.nnmt",
        full_name: "Lê Thị Hồng Nhung",
        title: "Chuyên viên Sở Nông nghiệp và Môi trường",
        role: Role::DepartmentOfficer,
        unit_code: "so-nong-nghiep-va-moi-truong",
    },
    DemoAccount {
        username: "benthanh.lanhdao",
        full_name: "Nguyễn Văn Đông",
        title: "Chủ tịch UBND phường Bến Thành",
        role: Role::UnitLeader,
        unit_code: "26743",
    },
    DemoAccount {
        username: "benthanh.canbo",
        full_name: "Phạm Thị Thu Đào",
        title: "Công chức một cửa phường Bến Thành",
        role: Role::UnitOfficer,
        unit_code: "26743",
    },
    DemoAccount {
        username: "saigon.canbo",
        full_name: "Võ Quốc Đạt",
        title: "Công chức phường Sài Gòn",
        role: Role::UnitOfficer,
        unit_code: "26740",
    },
    DemoAccount {
        username: "congdan",
        full_name: "Huỳnh Thị Mai",
        title: "Công dân",
        role: Role::Citizen,
        unit_code: "79",
    },
];

/// Password of every demo account (demo databases only).
pub const DEMO_PASSWORD: &str = "dieuhanh-demo";

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Minh", "Quốc", "Thanh", "Ngọc", "Hoàng", "Đức", "Thu", "Hữu",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Quyên", "Sơn", "Tâm",
    "Thảo", "Trang", "Trung", "Tuấn", "Uyên", "Vy", "Yến", "Đông",
];

/// A deterministic, plausible Vietnamese name for demo staff (not real people).
fn demo_name(n: usize) -> String {
    format!(
        "{} {} {}",
        FAMILY[n % FAMILY.len()],
        MIDDLE[(n / FAMILY.len()) % MIDDLE.len()],
        GIVEN[(n * 7 + n / 3) % GIVEN.len()]
    )
}

/// Creates the demo accounts plus a chairperson and a one-stop officer for every unit
/// and department, all with `password_hash` (one hash of [`DEMO_PASSWORD`]).
pub async fn seed_demo_people(
    store: &Store,
    password_hash: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    let units = crate::units::all_current(store).await?;
    let by_code: HashMap<&str, i64> = units.iter().map(|u| (u.code.as_str(), u.id)).collect();
    let mut tx = store.begin().await?;
    let mut created = 0;
    for account in DEMO_ACCOUNTS {
        let unit_id = *by_code.get(account.unit_code).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "demo unit {} is not in the register",
                account.unit_code
            ))
        })?;
        crate::users::create(
            &mut tx,
            &NewUser {
                unit_id,
                username: account.username,
                full_name: account.full_name,
                title: Some(account.title),
                role: account.role,
                password_hash,
            },
            None,
        )
        .await?;
        created += 1;
    }
    let staffed: Vec<_> = units
        .iter()
        .filter(|u| u.kind.is_communal() || u.kind == UnitKind::Department)
        .collect();
    let total = staffed.len();
    for (i, unit) in staffed.iter().enumerate() {
        let (leader_title, officer_title) = if unit.kind == UnitKind::Department {
            ("Giám đốc", "Chuyên viên")
        } else {
            ("Chủ tịch UBND", "Công chức một cửa")
        };
        for (k, (role, title, suffix)) in [
            (Role::UnitLeader, leader_title, "lanhdao"),
            (Role::UnitOfficer, officer_title, "canbo"),
        ]
        .into_iter()
        .enumerate()
        {
            // A department's head and staff both act as department officers.
            let role = if unit.kind == UnitKind::Department {
                Role::DepartmentOfficer
            } else {
                role
            };
            let username = format!("{}.{}", unit.code, suffix);
            let full_name = demo_name(i * 2 + k);
            let title = format!("{title} — {}", unit.name);
            crate::users::create(
                &mut tx,
                &NewUser {
                    unit_id: unit.id,
                    username: &username,
                    full_name: &full_name,
                    title: Some(&title),
                    role,
                    password_hash,
                },
                None,
            )
            .await?;
            created += 1;
        }
        progress(i + 1, total);
    }
    settings::set(&mut tx, settings::DEMO, "1").await?;
    tx.commit().await?;
    Ok(created)
}
