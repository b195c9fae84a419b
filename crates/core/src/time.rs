//! Instants are stored as UTC epoch microseconds; people see Vietnam time
//! (Asia/Ho_Chi_Minh, UTC+7, QĐ 121-CP art. 1) as dd/mm/yyyy.

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub const ZONE: &str = "Asia/Ho_Chi_Minh";

fn zone() -> TimeZone {
    // The zone database is bundled into the binary, so this lookup cannot fail.
    TimeZone::get(ZONE).unwrap_or(TimeZone::fixed(jiff::tz::offset(7)))
}

pub fn now_us() -> i64 {
    Timestamp::now().as_microsecond()
}

fn to_zoned(at_us: i64) -> Option<jiff::ZonedDateTime> {
    Timestamp::from_microsecond(at_us)
        .ok()
        .map(|t| t.to_zoned_datetime(zone()))
}

/// The legal date of an instant: its calendar date in Vietnam time
/// (specs/vn-admin-rules.md §1.1).
pub fn vn_date(at_us: i64) -> Option<jiff::civil::Date> {
    to_zoned(at_us).map(|z| z.date())
}

/// `dd/mm/yyyy` in Vietnam time.
pub fn format_date(at_us: i64) -> String {
    to_zoned(at_us)
        .map(|z| z.strftime("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn format_datetime(at_us: i64) -> String {
    to_zoned(at_us)
        .map(|z| z.strftime("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// RFC 3339 with the +07:00 offset, for the API.
pub fn format_rfc3339(at_us: i64) -> String {
    to_zoned(at_us)
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_default()
}

/// A calendar date `YYYY-MM-DD` shown as `dd/mm/yyyy`.
pub fn format_civil_date(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_vietnam_time() {
        // 2025-06-30T18:30:00Z is 01:30 on 1 July 2025 in Vietnam.
        let at = "2025-06-30T18:30:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_microsecond();
        assert_eq!(format_date(at), "01/07/2025");
        assert_eq!(format_datetime(at), "01/07/2025 01:30");
        assert_eq!(format_rfc3339(at), "2025-07-01T01:30:00+07:00");
        assert_eq!(format_civil_date("2025-07-01"), "01/07/2025");
    }
}
