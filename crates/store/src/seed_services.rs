//! The starting catalogue of citizen-report services (categories), loaded once into an
//! empty catalogue. The categories, their routing and their resolution terms are this
//! product's defaults for Ho Chi Minh City, not official figures: administrators adjust
//! them. A department named here that the installation does not have routes to the ward.

use crate::citizen::{NewService, upsert_service};
use crate::{Result, Store};
use dieuhanh_core::open311::{Attribute, Datatype};
use sqlx::Row;

struct Category {
    code: &'static str,
    name: &'static str,
    description: &'static str,
    group: &'static str,
    keywords: &'static str,
    /// `None`: the ward, commune or special zone where it happened.
    department: Option<&'static str>,
    deadline_days: i64,
    anonymous: bool,
}

const CATEGORIES: &[Category] = &[
    Category {
        code: "DCS-01",
        name: "Đèn chiếu sáng công cộng hư hỏng",
        description: "Đèn đường không sáng, chập chờn hoặc sáng cả ban ngày.",
        group: "Hạ tầng đô thị",
        keywords: "đèn đường, chiếu sáng, street light",
        department: Some("so-xay-dung"),
        deadline_days: 5,
        anonymous: true,
    },
    Category {
        code: "TNG-01",
        name: "Ngập nước, tắc cống thoát nước",
        description: "Đường ngập sau mưa hoặc triều cường, nắp cống mất, cống nghẹt.",
        group: "Hạ tầng đô thị",
        keywords: "ngập, triều cường, cống, flooding, drainage",
        department: Some("so-xay-dung"),
        deadline_days: 3,
        anonymous: true,
    },
    Category {
        code: "HTGT-01",
        name: "Hư hỏng mặt đường, ổ gà",
        description: "Ổ gà, lún, nứt mặt đường gây nguy hiểm.",
        group: "Hạ tầng đô thị",
        keywords: "ổ gà, mặt đường, pothole, road",
        department: Some("so-xay-dung"),
        deadline_days: 7,
        anonymous: true,
    },
    Category {
        code: "CX-01",
        name: "Cây xanh gãy đổ, nguy hiểm",
        description: "Cây nghiêng, nhánh gãy, cây đổ chắn đường.",
        group: "Hạ tầng đô thị",
        keywords: "cây xanh, cây đổ, tree",
        department: Some("so-xay-dung"),
        deadline_days: 2,
        anonymous: true,
    },
    Category {
        code: "VSMT-01",
        name: "Rác thải bỏ không đúng nơi quy định",
        description: "Rác, xà bần đổ trên vỉa hè, kênh rạch, đất trống.",
        group: "Vệ sinh môi trường",
        keywords: "rác, xả rác, xà bần, garbage, dumping",
        department: None,
        deadline_days: 3,
        anonymous: true,
    },
    Category {
        code: "MT-01",
        name: "Ô nhiễm môi trường (khói, bụi, mùi, nước thải)",
        description: "Cơ sở xả khói, bụi, nước thải hoặc gây mùi hôi.",
        group: "Vệ sinh môi trường",
        keywords: "ô nhiễm, nước thải, khói, bụi, pollution",
        department: Some("so-nong-nghiep-va-moi-truong"),
        deadline_days: 10,
        anonymous: true,
    },
    Category {
        code: "TTDT-01",
        name: "Lấn chiếm vỉa hè, lòng đường",
        description: "Buôn bán, để xe, vật dụng chiếm vỉa hè hoặc lòng đường.",
        group: "Trật tự đô thị",
        keywords: "vỉa hè, lấn chiếm, sidewalk",
        department: None,
        deadline_days: 5,
        anonymous: true,
    },
    Category {
        code: "TTXD-01",
        name: "Xây dựng không phép, sai phép",
        description: "Công trình xây dựng không có giấy phép hoặc sai nội dung giấy phép.",
        group: "Trật tự đô thị",
        keywords: "xây dựng, không phép, sai phép, construction",
        department: None,
        deadline_days: 10,
        anonymous: false,
    },
    Category {
        code: "ANTT-01",
        name: "Tiếng ồn gây mất trật tự",
        description: "Karaoke, loa kẹo kéo, công trình thi công gây ồn ngoài giờ.",
        group: "Trật tự đô thị",
        keywords: "ồn, karaoke, tiếng ồn, noise",
        department: None,
        deadline_days: 3,
        anonymous: true,
    },
    Category {
        code: "ATTP-01",
        name: "Mất an toàn thực phẩm",
        description: "Cơ sở kinh doanh thực phẩm mất vệ sinh, thực phẩm không rõ nguồn gốc.",
        group: "An toàn thực phẩm",
        keywords: "thực phẩm, ngộ độc, food safety",
        department: Some("so-an-toan-thuc-pham"),
        deadline_days: 7,
        anonymous: false,
    },
];

fn attributes(code: &str) -> Vec<Attribute> {
    let list = |code: &str, order, required, description: &str, values: &[(&str, &str)], multi| {
        Attribute {
            code: code.into(),
            variable: true,
            datatype: if multi {
                Datatype::Multivaluelist
            } else {
                Datatype::Singlevaluelist
            },
            required,
            datatype_description: String::new(),
            order,
            description: description.into(),
            values: values
                .iter()
                .map(|(k, n)| (k.to_string(), n.to_string()))
                .collect(),
        }
    };
    match code {
        "TNG-01" => vec![
            Attribute {
                code: "LUU_Y".into(),
                variable: false,
                datatype: Datatype::String,
                required: false,
                datatype_description: String::new(),
                order: 1,
                description: "Nguy hiểm đến tính mạng (dây điện rơi xuống nước): gọi ngay 114."
                    .into(),
                values: vec![],
            },
            list(
                "MUC_NGAP",
                2,
                true,
                "Mức ngập",
                &[
                    ("MAT_CA", "Đến mắt cá chân"),
                    ("DAU_GOI", "Đến đầu gối"),
                    ("TREN_GOI", "Trên đầu gối"),
                ],
                false,
            ),
        ],
        "VSMT-01" => vec![
            list(
                "KHOI_LUONG",
                1,
                true,
                "Khối lượng ước tính",
                &[
                    ("NHO", "Dưới 1 m³"),
                    ("VUA", "1–5 m³"),
                    ("LON", "Trên 5 m³"),
                ],
                false,
            ),
            list(
                "LOAI",
                2,
                false,
                "Loại rác",
                &[
                    ("SH", "Rác sinh hoạt"),
                    ("XB", "Xà bần"),
                    ("CN", "Rác công nghiệp"),
                ],
                true,
            ),
        ],
        _ => Vec::new(),
    }
}

/// Loads the starting catalogue into an empty one; returns how many were loaded.
pub async fn ensure_catalogue(store: &Store) -> Result<usize> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM report_services")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    if count > 0 {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    for c in CATEGORIES {
        let department = match c.department {
            Some(code) => crate::units::by_code(store, code).await.ok().map(|u| u.id),
            None => None,
        };
        upsert_service(
            &mut tx,
            &NewService {
                code: c.code,
                name: c.name,
                description: c.description,
                group: c.group,
                keywords: c.keywords,
                department_unit_id: department,
                deadline_days: c.deadline_days,
                anonymous_allowed: c.anonymous,
                attributes: &attributes(c.code),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(CATEGORIES.len())
}

/// Demo citizen reports: about 300 over the last 60 days at points drawn across the
/// city, routed as a real report would be, the older ones mostly resolved. Invented
/// data, deterministic.
pub async fn seed_demo_citizen_reports(store: &Store, today: jiff::civil::Date) -> Result<usize> {
    use crate::citizen::{NewReport, create, services};
    use crate::direction::{Change, apply, item};
    use dieuhanh_core::geography::{BoundaryIndex, Coordinate};
    use dieuhanh_core::workflow::CITIZEN_REPORT;
    let text = crate::units::boundaries_geojson(store).await?;
    let Ok(index) = BoundaryIndex::from_geojson(&text) else {
        return Ok(0);
    };
    if index.is_empty() {
        return Ok(0);
    }
    let calendar = crate::calendar::load(store).await?;
    let catalogue = services(store).await?;
    if catalogue.is_empty() {
        return Ok(0);
    }
    let triage = match crate::units::by_code(store, "van-phong-ubnd").await {
        Ok(u) => u,
        Err(_) => crate::units::root(store).await?,
    };
    let units = crate::units::all_current(store).await?;
    let descriptions = [
        "Tình trạng kéo dài nhiều ngày, đề nghị cơ quan chức năng kiểm tra.",
        "Gây nguy hiểm cho người đi đường, nhất là buổi tối.",
        "Người dân trong hẻm đã phản ánh nhiều lần nhưng chưa được xử lý.",
        "Xảy ra sau mỗi cơn mưa lớn.",
    ];
    // A small linear congruential generator: the same demo every time.
    let mut seed: u64 = 0x2026_1127;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let now = dieuhanh_core::time::now_us();
    let mut created = 0;
    let mut attempts = 0;
    while created < 300 && attempts < 5000 {
        attempts += 1;
        // Two in three reports come from the dense inner city, the rest from anywhere.
        let (lat, lon) = if next() < 0.67 {
            (10.70 + next() * 0.16, 106.60 + next() * 0.18)
        } else {
            (10.35 + next() * 0.85, 106.35 + next() * 0.85)
        };
        let Some(code) = Coordinate::new(lat, lon)
            .ok()
            .and_then(|c| index.locate(c).map(str::to_string))
        else {
            continue;
        };
        let Some(ward) = units.iter().find(|u| u.code == code) else {
            continue;
        };
        let service = &catalogue[(next() * catalogue.len() as f64) as usize % catalogue.len()];
        let age_days = (next() * 60.0) as i64;
        let received_at = now - age_days * 86_400_000_000 - (next() * 8.0 * 3.6e9) as i64;
        let Some(received) = dieuhanh_core::time::vn_date(received_at) else {
            continue;
        };
        let Ok(due) = calendar.add_working_days(received, service.deadline_days as u32) else {
            continue;
        };
        let unit_id = service.department_unit_id.unwrap_or(ward.id);
        let mut answers = dieuhanh_core::open311::Answers::new();
        for a in service
            .attributes
            .iter()
            .filter(|a| a.variable && a.required)
        {
            if let Some((k, _)) = a.values.first() {
                answers.insert(a.code.clone(), vec![k.clone()]);
            }
        }
        let description = descriptions[created % descriptions.len()];
        let mut tx = store.begin().await?;
        let (item_id, _) = create(
            &mut tx,
            &NewReport {
                unit_id,
                issuer_unit_id: triage.id,
                service,
                lat_lon: Some((lat, lon)),
                address: "",
                address_id: "",
                description,
                answers: &answers,
                media_url: "",
                contact_sealed: None,
                api_key_id: None,
                channel: "portal",
                due_date: &due.to_string(),
                created_by: None,
                initial_state: CITIZEN_REPORT.initial,
            },
        )
        .await?;
        for sql in [
            "UPDATE citizen_reports SET requested_at_us = $1, updated_at_us = $1 WHERE item_id = $2",
            // Its work began when it was made.
            "UPDATE work_items SET created_at_us = $1 WHERE id = $2",
        ] {
            sqlx::query(sql)
                .bind(received_at)
                .bind(item_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Older reports are mostly dealt with; the newest are still waiting.
        let fate = next();
        let steps: &[(&str, &str)] = if age_days > 7 && fate < 0.75 {
            &[
                ("acknowledge", ""),
                ("resolve", "Đã kiểm tra và xử lý xong."),
            ]
        } else if age_days > 7 && fate < 0.8 {
            &[("reject", "Trùng với phản ánh đã tiếp nhận trước đó.")]
        } else if age_days > 2 && fate < 0.9 {
            &[("acknowledge", ""), ("start", "")]
        } else {
            &[]
        };
        let handler = units
            .iter()
            .find(|u| u.id == unit_id)
            .map(|u| u.code.clone());
        let (Some(handler), false) = (handler, steps.is_empty()) else {
            created += 1;
            continue;
        };
        let (Ok(officer), Ok(leader)) = (
            crate::users::by_username(store, &format!("{handler}.canbo")).await,
            crate::users::by_username(store, &format!("{handler}.lanhdao")).await,
        ) else {
            created += 1;
            continue;
        };
        let mut current = item(store, item_id).await?;
        let mut tx = store.begin().await?;
        for (action, note) in steps {
            let (relation, actor) = if *action == "reject" {
                (dieuhanh_core::workflow::Relation::OwnerLeader, leader.id)
            } else {
                (dieuhanh_core::workflow::Relation::OwnerOfficial, officer.id)
            };
            let t = CITIZEN_REPORT
                .apply(
                    &current.state,
                    action,
                    &[relation],
                    Some(*note).filter(|n| !n.is_empty()),
                )
                .map_err(|e| crate::StoreError::Corrupt(format!("demo transition: {e}")))?;
            let closed = matches!(*action, "resolve" | "reject").then(|| {
                let days = (age_days / 3).clamp(0, service.deadline_days + 2);
                received
                    .checked_add(jiff::Span::new().days(days))
                    .unwrap_or(received)
                    .min(today)
                    .to_string()
            });
            apply(
                &mut tx,
                &current,
                &Change {
                    action: t.action,
                    from: t.from,
                    to: t.to,
                    actor,
                    note: (*note).into(),
                    progress: None,
                    assignee_id: None,
                    due_date: None,
                    closed_on: closed.as_deref().map(Into::into),
                    reopen: false,
                },
            )
            .await?;
            crate::citizen::touch(&mut tx, item_id, (!note.is_empty()).then_some(*note)).await?;
            current.state = t.to.to_string();
        }
        tx.commit().await?;
        created += 1;
    }
    Ok(created)
}
