//! Demo periodic reports: a monthly report every ward, commune and special zone owes
//! the city (last period mostly submitted, some late, some missing; this period partly
//! drafted, with targets), and a quarterly one a department asks of every unit.
//! Figures are invented for the demo and deterministic.

use crate::direction::{Change, WorkItem, apply};
use crate::reports::{self, NewTemplate, Target};
use crate::{Result, Store, StoreError};
use dieuhanh_core::reporting::{
    FieldKind, FieldSpec, FieldValue, Frequency, Period, PeriodSystem, Values,
};
use dieuhanh_core::workflow::{REPORT, Relation};
use jiff::civil::Date;

fn number(key: &str, label: &str, unit: &str) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::Number { unit: unit.into() },
    }
}

fn choice(key: &str, label: &str, options: &[&str]) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::Choice {
            options: options.iter().map(|o| o.to_string()).collect(),
        },
    }
}

fn text(key: &str, label: &str) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::Text,
    }
}

/// The title of the monthly report every communal unit owes the city.
pub const MONTHLY_TITLE: &str =
    "Báo cáo tình hình kinh tế - xã hội, cải cách hành chính hằng tháng";

/// The fields of the monthly report.
pub fn monthly_fields() -> Vec<FieldSpec> {
    vec![
        number(
            "ho_so_tiep_nhan",
            "Hồ sơ thủ tục hành chính tiếp nhận",
            "hồ sơ",
        ),
        number("ho_so_dung_han", "Hồ sơ giải quyết đúng hạn", "hồ sơ"),
        number("thu_ngan_sach", "Thu ngân sách trên địa bàn", "triệu đồng"),
        number("phan_anh", "Phản ánh, kiến nghị đã xử lý", "lượt"),
        choice(
            "tu_danh_gia",
            "Tự đánh giá tình hình an ninh, trật tự",
            &["Ổn định", "Cơ bản ổn định", "Phức tạp"],
        ),
        text("kho_khan", "Khó khăn, vướng mắc, đề xuất"),
    ]
}

/// The figures unit number `i` reports: plausible, varied, and reproducible.
fn monthly_values(i: usize, complete: bool) -> Values {
    let received = 300 + (i * 37 % 400) as i64;
    let on_time = received * (86 + (i * 7 % 14) as i64) / 100;
    let revenue = 1_500 + (i * 53 % 900) as i64 * 10;
    let mut v = Values::new();
    v.insert(
        "ho_so_tiep_nhan".into(),
        FieldValue::Number(received as f64),
    );
    v.insert("ho_so_dung_han".into(), FieldValue::Number(on_time as f64));
    if complete {
        v.insert("thu_ngan_sach".into(), FieldValue::Number(revenue as f64));
        v.insert(
            "phan_anh".into(),
            FieldValue::Number((12 + i * 11 % 60) as f64),
        );
        let situation = [
            "Ổn định",
            "Ổn định",
            "Cơ bản ổn định",
            "Ổn định",
            "Phức tạp",
        ];
        v.insert(
            "tu_danh_gia".into(),
            FieldValue::Text(situation[i % situation.len()].into()),
        );
        let notes = [
            "Thiếu công chức địa chính sau sắp xếp; đề nghị bổ sung biên chế.",
            "Máy quét tại bộ phận một cửa xuống cấp.",
            "Không có.",
            "Đề nghị hướng dẫn cấp giấy chứng nhận cho đất có nguồn gốc lấn chiếm.",
        ];
        v.insert(
            "kho_khan".into(),
            FieldValue::Text(notes[i % notes.len()].into()),
        );
    }
    v
}

fn shift(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

pub async fn seed_demo_reports(store: &Store, today: Date) -> Result<usize> {
    let calendar = crate::calendar::load(store).await?;
    let units: Vec<_> = crate::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let leader = crate::users::by_username(store, "lanhdao").await?;
    let department = crate::users::by_username(store, "so.nnmt").await?;
    let mut tx = store.begin().await?;
    let monthly_fields = monthly_fields();
    let monthly_id = reports::create_template(
        &mut tx,
        &NewTemplate {
            unit_id: leader.unit_id,
            title: MONTHLY_TITLE,
            frequency: Frequency::Monthly,
            period_system: PeriodSystem::CutOff,
            due_working_days: 2,
            fields: &monthly_fields,
            unit_ids: &unit_ids,
            created_by: leader.id,
        },
    )
    .await?;
    let quarterly_fields = vec![
        number("vi_pham_dat_dai", "Vụ vi phạm đất đai phát hiện", "vụ"),
        number("da_xu_ly", "Vụ đã xử lý", "vụ"),
        choice(
            "tinh_hinh",
            "Tình hình quản lý đất đai, môi trường",
            &["Ổn định", "Phức tạp"],
        ),
    ];
    let quarterly_id = reports::create_template(
        &mut tx,
        &NewTemplate {
            unit_id: department.unit_id,
            title: "Báo cáo quý về quản lý đất đai, môi trường",
            frequency: Frequency::Quarterly,
            period_system: PeriodSystem::Calendar,
            due_working_days: 5,
            fields: &quarterly_fields,
            unit_ids: &unit_ids,
            created_by: department.id,
        },
    )
    .await?;
    tx.commit().await?;

    let monthly = reports::template(store, monthly_id).await?;
    let current = Period::containing(Frequency::Monthly, PeriodSystem::CutOff, today)
        .ok_or_else(|| StoreError::Corrupt("no monthly period today".into()))?;
    let previous = current
        .previous()
        .ok_or_else(|| StoreError::Corrupt("no previous period".into()))?;
    let mut opened = 0;
    for period in [previous, current] {
        let Some(end) = period.end() else { continue };
        // A deadline the calendar cannot compute yet (an incomplete year) is not guessed.
        let Ok(due) = calendar.add_working_days(end, 2) else {
            continue;
        };
        opened += reports::open_period(
            store,
            &monthly,
            &period.key(),
            &format!("{} · {}", monthly.title, period.label()),
            &due.to_string(),
            leader.id,
            REPORT.initial,
        )
        .await?;
    }
    let quarterly = reports::template(store, quarterly_id).await?;
    if let Some(period) = Period::containing(Frequency::Quarterly, PeriodSystem::Calendar, today)
        && let Some(due) = period
            .end()
            .and_then(|e| calendar.add_working_days(e, 5).ok())
    {
        opened += reports::open_period(
            store,
            &quarterly,
            &period.key(),
            &format!("{} · {}", quarterly.title, period.label()),
            &due.to_string(),
            department.id,
            REPORT.initial,
        )
        .await?;
    }

    // Last period: seven in ten on time, one late, two not submitted; this period: a
    // third of the units have started a draft.
    let index: std::collections::HashMap<i64, usize> =
        units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    for (period, last) in [(previous, true), (current, false)] {
        let obligations = reports::obligations(store, monthly.id, &period.key()).await?;
        let mut tx = store.begin().await?;
        for o in &obligations {
            let i = index.get(&o.item.unit_id).copied().unwrap_or(0);
            let code = &o.item.unit_code;
            let (Ok(ward_leader), Ok(officer)) = (
                crate::users::by_username(store, &format!("{code}.lanhdao")).await,
                crate::users::by_username(store, &format!("{code}.canbo")).await,
            ) else {
                continue;
            };
            let fate = i % 10;
            if !last {
                if fate % 3 == 0 {
                    reports::save_values(&mut tx, &o.item, &monthly_values(i, false), officer.id)
                        .await?;
                }
                continue;
            }
            if fate >= 8 {
                if fate == 8 {
                    reports::save_values(&mut tx, &o.item, &monthly_values(i, false), officer.id)
                        .await?;
                }
                continue;
            }
            reports::save_values(&mut tx, &o.item, &monthly_values(i, true), officer.id).await?;
            let due: Date = o
                .item
                .due_date
                .parse()
                .map_err(|_| StoreError::Corrupt("demo due date".into()))?;
            let submitted = if fate == 7 {
                shift(due, 3)
            } else {
                shift(due, -((i % 3) as i64))
            };
            let t = REPORT
                .apply(&o.item.state, "submit", &[Relation::OwnerLeader], None)
                .map_err(|e| StoreError::Corrupt(format!("demo transition: {e}")))?;
            let closed = submitted.min(today).to_string();
            let item = WorkItem {
                state: o.item.state.clone(),
                ..o.item.clone()
            };
            apply(
                &mut tx,
                &item,
                &Change {
                    action: t.action,
                    from: t.from,
                    to: t.to,
                    actor: ward_leader.id,
                    note: "".into(),
                    progress: None,
                    assignee_id: None,
                    due_date: None,
                    closed_on: Some(closed.as_str().into()),
                    reopen: false,
                },
            )
            .await?;
        }
        tx.commit().await?;
    }

    // Targets for the monthly figures: a little above what each unit usually reports.
    let targets: Vec<Target> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            let received = (300 + (i * 37 % 400)) as f64;
            let revenue = (1_500 + (i * 53 % 900) * 10) as f64;
            [
                Target {
                    unit_id: u.id,
                    field_key: "ho_so_tiep_nhan".into(),
                    target: (received * 1.05 / 10.0).round() * 10.0,
                },
                Target {
                    unit_id: u.id,
                    field_key: "thu_ngan_sach".into(),
                    target: (revenue * 1.1 / 100.0).round() * 100.0,
                },
            ]
        })
        .collect();
    let mut tx = store.begin().await?;
    reports::set_targets(&mut tx, monthly.id, &targets, leader.id).await?;
    tx.commit().await?;
    Ok(opened)
}
