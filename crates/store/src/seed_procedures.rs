//! The starting procedure catalogue: the commune-level procedures of
//! specs/vn-admin-rules.md §6 with their terms, fees and legal basis as the spec gives
//! them. Where the spec says a fee is set by the People's Council (HĐND) and gives no
//! amount, the fee is 0 and the note says so until an administrator enters it; where
//! it gives no national code, a local code is used and marked. Required documents are
//! listed only where the cited article names them; online level and electronic result
//! are this product's defaults, for administrators to correct.

use crate::procedures::{Document, Procedure, upsert};
use crate::{Result, Store};
use dieuhanh_core::dossier::{Term, TermUnit};
use sqlx::Row;

struct Seed {
    code: &'static str,
    name: &'static str,
    domain: &'static str,
    term: (u32, TermUnit),
    term_note: &'static str,
    fee_vnd: i64,
    fee_note: &'static str,
    documents: &'static [(&'static str, bool)],
    online: &'static str,
    electronic_result: bool,
    basis: &'static str,
    valid_from: &'static str,
}

const SAME: (u32, TermUnit) = (0, TermUnit::SameDay);
const HDND: &str = "Theo Nghị quyết của HĐND Thành phố (mức thu chưa nhập)";
const CUTOFF: &str = "Trong ngày; nhận sau 15 giờ: ngày làm việc tiếp theo";

const SEEDS: &[Seed] = &[
    Seed {
        code: "1.001193",
        name: "Đăng ký khai sinh",
        domain: "Hộ tịch",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 0,
        fee_note: "Miễn lệ phí khi đăng ký đúng hạn (Luật Hộ tịch 2014 Điều 11)",
        documents: &[
            ("Tờ khai đăng ký khai sinh theo mẫu", true),
            ("Giấy chứng sinh hoặc giấy tờ thay thế", true),
        ],
        online: "full",
        electronic_result: true,
        basis: "Luật Hộ tịch 2014 Điều 5(3), 11, 16",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "1.000894",
        name: "Đăng ký kết hôn",
        domain: "Hộ tịch",
        term: SAME,
        term_note: "Trong ngày; tối đa 5 ngày làm việc nếu cần xác minh; hai bên có mặt",
        fee_vnd: 0,
        fee_note: "Miễn lệ phí cho công dân Việt Nam cư trú trong nước",
        documents: &[("Tờ khai đăng ký kết hôn theo mẫu", true)],
        online: "partial",
        electronic_result: false,
        basis: "Luật Hộ tịch 2014 Điều 11, 18",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "1.000656",
        name: "Đăng ký khai tử",
        domain: "Hộ tịch",
        term: SAME,
        term_note: "Trong ngày",
        fee_vnd: 0,
        fee_note: "Miễn lệ phí khi đăng ký đúng hạn",
        documents: &[
            ("Tờ khai đăng ký khai tử theo mẫu", true),
            ("Giấy báo tử hoặc giấy tờ thay thế", true),
        ],
        online: "full",
        electronic_result: true,
        basis: "Luật Hộ tịch 2014 Điều 11, 34",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "1.004873",
        name: "Cấp Giấy xác nhận tình trạng hôn nhân",
        domain: "Hộ tịch",
        term: (3, TermUnit::WorkingDays),
        term_note: "3 ngày làm việc",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[(
            "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu",
            true,
        )],
        online: "full",
        electronic_result: true,
        basis: "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP Điều 22",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000635",
        name: "Cấp bản sao trích lục hộ tịch, bản sao Giấy khai sinh",
        domain: "Hộ tịch",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", true)],
        online: "full",
        electronic_result: true,
        basis: "Luật Hộ tịch 2014 Điều 5(3)",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "HCM.HT.NCMC",
        name: "Đăng ký nhận cha, mẹ, con (mã quốc gia chưa xác nhận)",
        domain: "Hộ tịch",
        term: (3, TermUnit::WorkingDays),
        term_note: "3 ngày làm việc; thêm 5 ngày làm việc nếu cần xác minh",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[("Tờ khai đăng ký nhận cha, mẹ, con theo mẫu", true)],
        online: "partial",
        electronic_result: false,
        basis: "Luật Hộ tịch 2014 Điều 25",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "HCM.HT.TDCC",
        name: "Đăng ký thay đổi, cải chính hộ tịch (mã quốc gia chưa xác nhận)",
        domain: "Hộ tịch",
        term: (3, TermUnit::WorkingDays),
        term_note: "3 ngày làm việc; thêm 3 ngày làm việc nếu cần xác minh",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[("Tờ khai đăng ký thay đổi, cải chính hộ tịch theo mẫu", true)],
        online: "partial",
        electronic_result: false,
        basis: "Luật Hộ tịch 2014 Điều 28",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000815",
        name: "Chứng thực bản sao từ bản chính",
        domain: "Chứng thực",
        term: SAME,
        term_note: "Trong ngày; nhận sau 15 giờ: ngày làm việc tiếp theo; thêm tối đa 2 ngày làm việc nếu nhiều giấy tờ",
        fee_vnd: 2_000,
        fee_note: "2.000 đ/trang (trang 1–2), 1.000 đ/trang từ trang 3, tối đa 200.000 đ/bản",
        documents: &[
            ("Bản chính giấy tờ, văn bản", true),
            ("Bản sao cần chứng thực", true),
        ],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP Điều 7, 20; Thông tư 226/2016/TT-BTC",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000884",
        name: "Chứng thực chữ ký",
        domain: "Chứng thực",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 10_000,
        fee_note: "10.000 đ/trường hợp",
        documents: &[("Giấy tờ, văn bản cần chứng thực chữ ký", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP Điều 7, 24",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.001035",
        name: "Chứng thực hợp đồng, giao dịch về động sản, quyền sử dụng đất, nhà ở",
        domain: "Chứng thực",
        term: (2, TermUnit::WorkingDays),
        term_note: "Tối đa 2 ngày làm việc",
        fee_vnd: 50_000,
        fee_note: "50.000 đ/hợp đồng, giao dịch",
        documents: &[("Dự thảo hợp đồng, giao dịch", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.001019",
        name: "Chứng thực di chúc",
        domain: "Chứng thực",
        term: (2, TermUnit::WorkingDays),
        term_note: "Tối đa 2 ngày làm việc",
        fee_vnd: 50_000,
        fee_note: "50.000 đ",
        documents: &[("Dự thảo di chúc", true)],
        online: "none",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000913",
        name: "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        domain: "Chứng thực",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 30_000,
        fee_note: "30.000 đ",
        documents: &[("Văn bản sửa đổi, bổ sung, hủy bỏ", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000927",
        name: "Sửa lỗi sai sót trong hợp đồng, giao dịch",
        domain: "Chứng thực",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 25_000,
        fee_note: "25.000 đ",
        documents: &[("Hợp đồng, giao dịch đã chứng thực", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "2.000908",
        name: "Cấp bản sao từ sổ gốc",
        domain: "Chứng thực",
        term: SAME,
        term_note: CUTOFF,
        fee_vnd: 0,
        fee_note: "Không thu",
        documents: &[("Đơn đề nghị cấp bản sao", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 23/2015/NĐ-CP",
        valid_from: "2025-07-01",
    },
    Seed {
        code: "1.013225",
        name: "Cấp giấy phép xây dựng mới (công trình cấp III, IV và nhà ở riêng lẻ)",
        domain: "Xây dựng",
        term: (7, TermUnit::WorkingDays),
        term_note: "7 ngày làm việc đối với nhà ở riêng lẻ (từ 01/7/2026); thẩm định trong 3 ngày làm việc; bổ sung trong 2 ngày làm việc",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[
            ("Đơn đề nghị cấp giấy phép xây dựng", true),
            ("Giấy tờ về quyền sử dụng đất", true),
            ("Bản vẽ thiết kế xây dựng", true),
        ],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 217/2026/NĐ-CP Điều 53–54",
        valid_from: "2026-07-01",
    },
    Seed {
        code: "1.013228",
        name: "Cấp lại giấy phép xây dựng (nhà ở riêng lẻ)",
        domain: "Xây dựng",
        term: (5, TermUnit::WorkingDays),
        term_note: "5 ngày làm việc",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[("Đơn đề nghị cấp lại giấy phép xây dựng", true)],
        online: "partial",
        electronic_result: false,
        basis: "Nghị định 217/2026/NĐ-CP",
        valid_from: "2026-07-01",
    },
    Seed {
        code: "2.000720",
        name: "Đăng ký thành lập hộ kinh doanh (mã cần xác nhận)",
        domain: "Đăng ký kinh doanh",
        term: (3, TermUnit::WorkingDays),
        term_note: "3 ngày làm việc",
        fee_vnd: 0,
        fee_note: HDND,
        documents: &[("Giấy đề nghị đăng ký hộ kinh doanh", true)],
        online: "full",
        electronic_result: true,
        basis: "Theo danh mục thủ tục cấp xã",
        valid_from: "2025-07-01",
    },
];

const SOURCE: &str = "specs/vn-admin-rules.md §6 (Demo procedure catalogue, commune level, HCMC)";

/// Loads the catalogue into an empty table; returns how many procedures it added.
pub async fn ensure_catalogue(store: &Store) -> Result<usize> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM procedures")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(0);
    }
    let root = crate::units::root(store).await?;
    let mut tx = store.begin().await?;
    for s in SEEDS {
        upsert(
            &mut tx,
            &Procedure {
                code: s.code.into(),
                name: s.name.into(),
                domain: s.domain.into(),
                level: "commune".into(),
                term: Term {
                    value: s.term.0,
                    unit: s.term.1,
                },
                term_note: s.term_note.into(),
                fee_vnd: s.fee_vnd,
                fee_note: s.fee_note.into(),
                documents: s
                    .documents
                    .iter()
                    .map(|(name, required)| Document {
                        name: (*name).into(),
                        required: *required,
                    })
                    .collect(),
                steps: vec![
                    "Tiếp nhận hồ sơ tại Bộ phận Một cửa".into(),
                    "Thẩm định, xử lý".into(),
                    "Lãnh đạo UBND phê duyệt".into(),
                    "Trả kết quả".into(),
                ],
                online_level: s.online.into(),
                electronic_result: s.electronic_result,
                legal_basis: s.basis.into(),
                source: SOURCE.into(),
                valid_from: s.valid_from.into(),
                valid_to: None,
            },
            None,
            root.id,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(SEEDS.len())
}
