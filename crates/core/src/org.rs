//! The organisation: a province-level city, its departments and its communal units.
//!
//! Reference data is parsed from the CSV files shipped in `data/` (see `data/SOURCES.md`).
//! Parsing is pure: callers hand in the file contents.

use serde::{Deserialize, Serialize};

/// What kind of organisational unit a record is. The string forms are stable API values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A centrally governed city (thành phố trực thuộc trung ương), e.g. Ho Chi Minh City.
    City,
    /// A province (tỉnh).
    Province,
    /// A specialised agency of the provincial People's Committee (sở, ban, ngành).
    Department,
    /// Phường.
    Ward,
    /// Xã.
    Commune,
    /// Đặc khu.
    SpecialZone,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::City,
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::Ward,
        UnitKind::Commune,
        UnitKind::SpecialZone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::City => "city",
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::Ward => "ward",
            UnitKind::Commune => "commune",
            UnitKind::SpecialZone => "special_zone",
        }
    }

    pub fn parse(value: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Communal-level units: the 168 wards, communes and special zone of HCMC.
    pub fn is_communal(self) -> bool {
        matches!(
            self,
            UnitKind::Ward | UnitKind::Commune | UnitKind::SpecialZone
        )
    }

    /// The province-level root of a tenant.
    pub fn is_provincial(self) -> bool {
        matches!(self, UnitKind::City | UnitKind::Province)
    }
}

/// One unit to be loaded into the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSeed {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: UnitKind,
    /// `None` only for the province-level root.
    pub parent_code: Option<String>,
    /// Province the unit belonged to before the 2025 merger (HCMC data only).
    pub old_province: Option<String>,
    /// Departments: the state-management domains they are responsible for.
    pub domains: Option<String>,
    /// Where the record comes from (cited in `data/SOURCES.md`).
    pub source: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OrgDataError {
    #[error("unknown province code {0}: the national list has no such province")]
    UnknownProvince(String),
    #[error("malformed reference data in {file}: {detail}")]
    Malformed { file: &'static str, detail: String },
}

/// The reference files the organisation is built from, as text.
pub struct ReferenceData<'a> {
    pub national_units_csv: &'a str,
    pub hcmc_units_csv: &'a str,
    pub hcmc_agencies_csv: &'a str,
}

pub const HCMC_PROVINCE_CODE: &str = "79";

const SOURCE_NATIONAL: &str =
    "thanglequoc/vietnamese-provinces-database v3.0.2 (QĐ 19/2025/QĐ-TTg)";
const SOURCE_HCMC_UNITS: &str =
    "thanglequoc/vietnamese-provinces-database v3.0.2; old_province: dvhcvn/20250701";

#[derive(Deserialize)]
struct NationalRow {
    province_code: String,
    province_name: String,
    code: String,
    name: String,
    kind: String,
}

#[derive(Deserialize)]
struct HcmcUnitRow {
    code: String,
    name: String,
    kind: String,
    old_province: String,
}

#[derive(Deserialize)]
struct AgencyRow {
    code: String,
    name: String,
    name_en: String,
    domains: String,
    source: String,
}

/// The province codes and names in the national list, in file order.
pub fn provinces(data: &ReferenceData<'_>) -> Result<Vec<(String, String)>, OrgDataError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for row in read_rows::<NationalRow>(data.national_units_csv, "vn-units-2025.csv")? {
        if !out.iter().any(|(c, _)| c == &row.province_code) {
            out.push((row.province_code, row.province_name));
        }
    }
    Ok(out)
}

/// Every unit of one province: the root, its departments (HCMC only: the only province
/// whose agency list is in `data/`) and its communal units.
pub fn province_units(
    data: &ReferenceData<'_>,
    province_code: &str,
) -> Result<Vec<UnitSeed>, OrgDataError> {
    let national: Vec<NationalRow> = read_rows(data.national_units_csv, "vn-units-2025.csv")?
        .into_iter()
        .filter(|r: &NationalRow| r.province_code == province_code)
        .collect();
    let Some(first) = national.first() else {
        return Err(OrgDataError::UnknownProvince(province_code.to_string()));
    };
    let root_kind = if first.province_name.starts_with("Thành phố") {
        UnitKind::City
    } else {
        UnitKind::Province
    };
    let mut units = vec![UnitSeed {
        code: province_code.to_string(),
        name: first.province_name.clone(),
        name_en: (province_code == HCMC_PROVINCE_CODE).then(|| "Ho Chi Minh City".to_string()),
        kind: root_kind,
        parent_code: None,
        old_province: None,
        domains: None,
        source: SOURCE_NATIONAL.to_string(),
    }];

    if province_code == HCMC_PROVINCE_CODE {
        for row in read_rows::<AgencyRow>(data.hcmc_agencies_csv, "hcmc-agencies-2025.csv")? {
            units.push(UnitSeed {
                code: row.code,
                name: row.name,
                name_en: Some(row.name_en),
                kind: UnitKind::Department,
                parent_code: Some(province_code.to_string()),
                old_province: None,
                domains: Some(row.domains),
                source: row.source,
            });
        }
        for row in read_rows::<HcmcUnitRow>(data.hcmc_units_csv, "hcmc-units-2025.csv")? {
            units.push(UnitSeed {
                kind: parse_kind(&row.kind, "hcmc-units-2025.csv")?,
                code: row.code,
                name: row.name,
                name_en: None,
                parent_code: Some(province_code.to_string()),
                old_province: Some(row.old_province),
                domains: None,
                source: SOURCE_HCMC_UNITS.to_string(),
            });
        }
    } else {
        for row in national {
            units.push(UnitSeed {
                kind: parse_kind(&row.kind, "vn-units-2025.csv")?,
                code: row.code,
                name: row.name,
                name_en: None,
                parent_code: Some(province_code.to_string()),
                old_province: None,
                domains: None,
                source: SOURCE_NATIONAL.to_string(),
            });
        }
    }
    Ok(units)
}

fn parse_kind(value: &str, file: &'static str) -> Result<UnitKind, OrgDataError> {
    match UnitKind::parse(value) {
        Some(kind) if kind.is_communal() => Ok(kind),
        _ => Err(OrgDataError::Malformed {
            file,
            detail: format!("unknown unit kind {value:?}"),
        }),
    }
}

fn read_rows<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &'static str,
) -> Result<Vec<T>, OrgDataError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| OrgDataError::Malformed {
            file,
            detail: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReferenceData<'static> {
        ReferenceData {
            national_units_csv: include_str!("../../../data/vn-units-2025.csv"),
            hcmc_units_csv: include_str!("../../../data/hcmc-units-2025.csv"),
            hcmc_agencies_csv: include_str!("../../../data/hcmc-agencies-2025.csv"),
        }
    }

    #[test]
    fn hcmc_has_168_communal_units_and_16_departments() {
        let units = province_units(&data(), "79").unwrap();
        let count = |k: UnitKind| units.iter().filter(|u| u.kind == k).count();
        assert_eq!(count(UnitKind::City), 1);
        assert_eq!(count(UnitKind::Department), 16);
        assert_eq!(count(UnitKind::Ward), 113);
        assert_eq!(count(UnitKind::Commune), 54);
        assert_eq!(count(UnitKind::SpecialZone), 1);
        let con_dao = units
            .iter()
            .find(|u| u.kind == UnitKind::SpecialZone)
            .unwrap();
        assert_eq!(con_dao.name, "Đặc khu Côn Đảo");
        assert_eq!(con_dao.old_province.as_deref(), Some("Bà Rịa - Vũng Tàu"));
    }

    #[test]
    fn the_national_list_has_34_provinces_and_any_can_be_built() {
        let provinces = provinces(&data()).unwrap();
        assert_eq!(provinces.len(), 34);
        let hanoi = province_units(&data(), "01").unwrap();
        assert_eq!(hanoi[0].kind, UnitKind::City);
        assert!(hanoi.iter().all(|u| u.kind != UnitKind::Department));
        let dong_nai = province_units(&data(), "75").unwrap();
        assert_eq!(dong_nai[0].kind, UnitKind::Province);
    }

    #[test]
    fn unknown_province_is_a_clear_error() {
        assert_eq!(
            province_units(&data(), "99"),
            Err(OrgDataError::UnknownProvince("99".into()))
        );
    }
}
