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
