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
        let id = crate::users::create(
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
        // The reserved .invalid domain (RFC 2606): demo mails can never reach anyone.
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(format!("{}@demo.dieuhanh.invalid", account.username))
            .bind(id)
            .execute(&mut *tx)
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

/// A few directives with their tasks in every state, so the demo looks like a working
/// Monday: some tasks not started, some in progress, some waiting for acceptance, some
/// done on time or late, some overdue. Dates are relative to `today`. Demo data only.
pub async fn seed_demo_direction(store: &Store, today: jiff::civil::Date) -> Result<usize> {
    use dieuhanh_core::workflow::{Relation, TASK};
    let calendar = crate::calendar::load(store).await?;
    let shift = |working_days: i32| -> jiff::civil::Date {
        let n = working_days.unsigned_abs();
        let by_calendar = |d: jiff::civil::Date| {
            d.checked_add(jiff::Span::new().days(i64::from(working_days) * 7 / 5))
                .unwrap_or(d)
        };
        if working_days >= 0 {
            calendar
                .add_working_days(today, n)
                .unwrap_or_else(|_| by_calendar(today))
        } else {
            by_calendar(today)
        }
    };
    let units: Vec<_> = crate::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let leader = crate::users::by_username(store, "lanhdao").await?;
    let root = crate::units::root(store).await?;
    struct Plan {
        doc: &'static str,
        title: &'static str,
        summary: &'static str,
        doc_date: jiff::civil::Date,
        due: jiff::civil::Date,
        every: usize,
        /// Departments co-operating on every task.
        cooperators: &'static [&'static str],
    }
    let plans = [
        Plan {
            doc: "4821/UBND-KT",
            title: "Rà soát, làm sạch dữ liệu đất đai phục vụ cơ sở dữ liệu quốc gia",
            summary: "Các phường, xã, đặc khu rà soát hồ sơ đất đai tồn đọng, cập nhật dữ liệu và báo cáo kết quả.",
            doc_date: by_days(today, -25),
            due: shift(10),
            every: 1,
            cooperators: &["so-nong-nghiep-va-moi-truong"],
        },
        Plan {
            doc: "4510/UBND-VX",
            title: "Kiểm tra an toàn phòng cháy, chữa cháy tại chợ truyền thống",
            summary: "Kiểm tra toàn bộ chợ truyền thống trên địa bàn, khắc phục ngay các tồn tại.",
            doc_date: by_days(today, -40),
            due: by_days(today, -5),
            every: 4,
            cooperators: &["so-cong-thuong"],
        },
        Plan {
            doc: "4902/UBND-NCPC",
            title: "Báo cáo tình hình vận hành chính quyền địa phương hai cấp",
            summary: "Đánh giá khó khăn, vướng mắc và đề xuất giải pháp sau sắp xếp đơn vị hành chính.",
            doc_date: by_days(today, -7),
            due: shift(2),
            every: 1,
            cooperators: &[],
        },
    ];
    let mut tasks = 0;
    for plan in &plans {
        let chosen: Vec<i64> = units.iter().step_by(plan.every).map(|u| u.id).collect();
        let mut cooperator_ids = Vec::new();
        for code in plan.cooperators {
            if let Ok(u) = crate::units::by_code(store, code).await {
                cooperator_ids.push(u.id);
            }
        }
        let (doc_date, due) = (plan.doc_date.to_string(), plan.due.to_string());
        let mut tx = store.begin().await?;
        let id = crate::direction::create_directive(
            &mut tx,
            &crate::direction::NewDirective {
                unit_id: root.id,
                doc_number: plan.doc,
                doc_date: &doc_date,
                signer: &leader.full_name,
                title: plan.title,
                summary: plan.summary,
                due_date: &due,
                priority: "high",
                created_by: leader.id,
                unit_ids: &chosen,
                cooperator_ids: &cooperator_ids,
            },
            TASK.initial,
        )
        .await?;
        tx.commit().await?;
        let (items, _) = crate::direction::items(
            store,
            &crate::direction::ItemQuery {
                directive_id: Some(id),
                ..Default::default()
            },
            dieuhanh_core::paging::Page::new(Some(1), Some(500)).unwrap_or_default(),
        )
        .await?;
        for (i, item) in items.iter().enumerate() {
            tasks += 1;
            // A deterministic spread of how far each unit has got.
            let stage = (i * 7 + plan.doc.len()) % 10;
            let Ok(officer) =
                crate::users::by_username(store, &format!("{}.canbo", item.unit_code)).await
            else {
                continue;
            };
            let Ok(unit_leader) =
                crate::users::by_username(store, &format!("{}.lanhdao", item.unit_code)).await
            else {
                continue;
            };
            let closed_late = by_days(plan.due, 2).min(today).max(plan.due).to_string();
            let closed_on_time = plan.due.min(today).to_string();
            /// One demo transition: action, actor, their relation, progress, closing date.
            type Step<'a> = (&'static str, i64, Relation, Option<i64>, Option<&'a str>);
            let mut steps: Vec<Step> = Vec::new();
            if stage >= 3 {
                steps.push(("assign", unit_leader.id, Relation::OwnerLeader, None, None));
                steps.push((
                    "report_progress",
                    officer.id,
                    Relation::Assignee,
                    Some(20 + (stage as i64) * 8),
                    None,
                ));
            }
            if stage >= 7 {
                steps.push((
                    "request_completion",
                    officer.id,
                    Relation::Assignee,
                    Some(100),
                    None,
                ));
            }
            if stage >= 8 {
                let closed = if stage == 9 && plan.due < today {
                    closed_late.as_str()
                } else {
                    closed_on_time.as_str()
                };
                steps.push((
                    "accept_completion",
                    leader.id,
                    Relation::Issuer,
                    Some(100),
                    Some(closed),
                ));
            }
            let mut state = item.state.clone();
            let mut tx = store.begin().await?;
            for (action, actor, relation, progress, closed_on) in steps {
                let t = TASK
                    .apply(&state, action, &[relation], None)
                    .map_err(|e| StoreError::Corrupt(format!("demo transition: {e}")))?;
                let change = crate::direction::Change {
                    action: t.action,
                    from: t.from,
                    to: t.to,
                    actor,
                    note: "".into(),
                    progress,
                    assignee_id: (action == "assign").then_some(officer.id),
                    due_date: None,
                    closed_on: closed_on.map(Into::into),
                    reopen: false,
                };
                let current = crate::direction::WorkItem {
                    state: state.clone(),
                    ..item.clone()
                };
                crate::direction::apply(&mut tx, &current, &change).await?;
                state = t.to.to_string();
            }
            tx.commit().await?;
        }
    }
    Ok(tasks)
}

fn by_days(date: jiff::civil::Date, days: i64) -> jiff::civil::Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

/// The demo city leader in charge of every eighth unit, with some recent visits, some
/// old ones and some units never visited. Demo data only.
pub async fn seed_demo_visits(store: &Store, today: jiff::civil::Date) -> Result<usize> {
    let leader = crate::users::by_username(store, "lanhdao").await?;
    let units: Vec<_> = crate::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let since = by_days(today, -120).to_string();
    let findings = [
        "Làm việc với Đảng ủy, UBND về tiến độ chuyển đổi số và giải quyết hồ sơ đất đai.",
        "Kiểm tra bộ phận một cửa; ghi nhận thiếu nhân sự tiếp nhận hồ sơ vào giờ cao điểm.",
        "Khảo sát các điểm ngập khi triều cường; yêu cầu báo cáo phương án khắc phục.",
    ];
    let mut tx = store.begin().await?;
    let mut visits = 0;
    for (i, unit) in units.iter().step_by(8).enumerate() {
        crate::visits::assign(&mut tx, unit.id, leader.id, &since, leader.id).await?;
        let days_ago = match i % 3 {
            0 => Some(10),
            1 => Some(45),
            _ => None,
        };
        if let Some(days) = days_ago {
            let date = by_days(today, -days).to_string();
            crate::visits::log(
                &mut tx,
                &crate::visits::NewVisit {
                    unit_id: unit.id,
                    leader_id: leader.id,
                    visit_date: &date,
                    findings: findings[i % findings.len()],
                    follow_up_item_id: None,
                },
            )
            .await?;
            visits += 1;
        }
    }
    tx.commit().await?;
    Ok(visits)
}

/// A few obstacles raised by units to the competent departments, some answered. Demo
/// data only.
pub async fn seed_demo_obstacles(store: &Store, today: jiff::civil::Date) -> Result<usize> {
    use dieuhanh_core::workflow::{OBSTACLE, Relation};
    let routes = crate::obstacles::routes(store).await?;
    let units: Vec<_> = crate::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let cases = [
        (
            "đất đai",
            "Cấp giấy chứng nhận cho đất có nguồn gốc lấn chiếm trước 2014",
            Some(
                "Áp dụng Điều 138 Luật Đất đai 2024; UBND cấp xã xác nhận thời điểm bắt đầu sử dụng đất.",
            ),
        ),
        (
            "giáo dục phổ thông",
            "Thiếu phòng học lớp 1 năm học tới do tăng dân số cơ học",
            None,
        ),
        (
            "nhà ở",
            "Xử lý chung cư cũ xuống cấp chưa có chủ đầu tư cải tạo",
            Some("Sở Xây dựng đã đưa vào danh mục kiểm định năm tới; phường lập danh sách hộ dân."),
        ),
        ("môi trường", "Điểm tập kết rác tự phát ven kênh", None),
    ];
    let mut count = 0;
    for (i, (domain, title, answer)) in cases.iter().enumerate() {
        let Some(route) = routes.iter().find(|r| r.domain == *domain) else {
            continue;
        };
        let Some(unit) = units.get(i * 37 % units.len()) else {
            continue;
        };
        let Ok(raiser) = crate::users::by_username(store, &format!("{}.lanhdao", unit.code)).await
        else {
            continue;
        };
        let due = by_days(today, if answer.is_some() { 3 } else { -2 }).to_string();
        let mut tx = store.begin().await?;
        let id = crate::obstacles::create(
            &mut tx,
            &crate::obstacles::NewObstacle {
                raising_unit_id: unit.id,
                department_unit_id: route.unit_id,
                domain,
                title,
                description: "Đơn vị đã rà soát và đề nghị Sở hướng dẫn.",
                due_date: &due,
                routed: true,
                task_id: None,
                created_by: raiser.id,
            },
            OBSTACLE.initial,
        )
        .await?;
        if let Some(answer) = answer {
            let responder =
                crate::users::by_username(store, &format!("{}.canbo", route.unit_code)).await?;
            let t = OBSTACLE
                .apply(
                    OBSTACLE.initial,
                    "answer",
                    &[Relation::OwnerOfficial],
                    Some(answer),
                )
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let item = crate::direction::WorkItem {
                id,
                unit_id: route.unit_id,
                unit_code: route.unit_code.clone(),
                unit_name: route.unit_name.clone(),
                kind: "obstacle".into(),
                state: OBSTACLE.initial.into(),
                directive_id: None,
                issuer_unit_id: unit.id,
                title: title.to_string(),
                priority: "normal".into(),
                due_date: due.clone(),
                assignee_id: None,
                assignee_name: None,
                progress: 0,
                created_at_us: 0,
                closed_on: None,
            };
            let change = crate::direction::Change {
                action: t.action,
                from: t.from,
                to: t.to,
                actor: responder.id,
                note: (*answer).into(),
                progress: None,
                assignee_id: None,
                due_date: None,
                closed_on: None,
                reopen: false,
            };
            crate::direction::apply(&mut tx, &item, &change).await?;
            crate::obstacles::set_answer(&mut tx, id, title, domain, answer).await?;
        }
        tx.commit().await?;
        count += 1;
    }
    Ok(count)
}

/// The Open311 API key of the demo (documented in the README; never in a real installation).
pub const DEMO_OPEN311_KEY: &str = "demo-open311-key";

pub async fn seed_demo_open311_key(store: &Store) -> Result<()> {
    let root = crate::units::root(store).await?;
    let mut tx = store.begin().await?;
    crate::citizen::add_key(&mut tx, "Demo", DEMO_OPEN311_KEY, None, root.id).await?;
    tx.commit().await?;
    Ok(())
}
