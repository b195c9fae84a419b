//! Synthetic history of the work around the dossiers, for the workload generator
//! (`dieuhanh bench generate`): citizen reports (phản ánh kiến nghị) at the city's volume,
//! city directives with their tasks, the monthly report every communal unit owes the
//! city, and obstacles raised to the departments, each with whole lives over the same
//! span as the dossiers — most handled on time, some late, a few reopened or returned,
//! and the most recent still open, as on a real morning. Deterministic from the plan's
//! seed (its own stream, so the dossiers stay those of the seed); written in bulk
//! ([`dieuhanh_store::bulk_work`]) without audit entries, like the dossiers.

use crate::synthetic::{Plan, Rng, UnitProfile, local_us};
use dieuhanh_core::calendar::Calendar;
use dieuhanh_core::policy::Role;
use dieuhanh_core::reporting::{FieldValue, Frequency, Period, PeriodSystem, Values};
use dieuhanh_store::bulk_work::{
    self, CitizenReport, Directive, Event, Item, Obligation, Obstacle, Template,
};
use dieuhanh_store::units::Unit;
use dieuhanh_store::{Result, Store};
use jiff::civil::Date;
use std::collections::HashMap;

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const DAYS_PER_MONTH: f64 = 30.44;

/// Citizen reports a month city-wide (PRODUCT.md "The scale we serve").
pub const CITIZEN_REPORTS_PER_MONTH: f64 = 5_750.0;
/// City directives a month that task many or all communal units.
pub const WIDE_DIRECTIVES_PER_MONTH: f64 = 4.0;
/// City directives a month that task one unit or a few.
pub const TARGETED_DIRECTIVES_PER_MONTH: f64 = 20.0;
/// Obstacles raised a month city-wide.
pub const OBSTACLES_PER_MONTH: f64 = 100.0;

/// Dossiers per (unit, day of receipt): (received, finished by their due date).
pub type DossierCounts = HashMap<(i64, Date), (u32, u32)>;

/// What was written, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub citizen_reports: u64,
    pub directives: u64,
    pub tasks: u64,
    pub reports: u64,
    pub obstacles: u64,
}

/// A communal unit as the generator uses it.
struct Communal {
    id: i64,
    busy: f64,
    late_rate: f64,
    officer: Option<i64>,
    leader: Option<i64>,
    /// Points inside the unit, where its citizen reports are located.
    points: Vec<(f64, f64)>,
}

/// A unit outside the communal tier that handles work (a department, the city's office).
#[derive(Clone, Copy)]
struct Handler {
    id: i64,
    officer: Option<i64>,
    leader: Option<i64>,
}

/// One item's life as it happens: steps after now are not taken, so recent items stay
/// open where their story stands.
struct Story {
    now: i64,
    events: Vec<Event>,
    state: &'static str,
    stopped: bool,
}

impl Story {
    fn new(now: i64, at: i64, actor: Option<i64>, initial: &'static str, origin: &str) -> Story {
        Story {
            now,
            events: vec![Event {
                at_us: at,
                actor_id: actor,
                action: "create",
                from: "",
                to: initial,
                note: origin.to_string(),
                progress: None,
            }],
            state: initial,
            stopped: false,
        }
    }

    fn last_at(&self) -> i64 {
        self.events.last().map_or(0, |e| e.at_us)
    }

    /// Takes a step at `at` (never before the previous one) if it happens before now;
    /// answers whether it was taken. Once a step is not taken, none after it is.
    fn step(
        &mut self,
        at: i64,
        actor: Option<i64>,
        action: &'static str,
        to: &'static str,
        note: &str,
        progress: Option<i64>,
    ) -> bool {
        let at = at.max(self.last_at() + MINUTE);
        if self.stopped || at >= self.now {
            self.stopped = true;
            return false;
        }
        self.events.push(Event {
            at_us: at,
            actor_id: actor,
            action,
            from: self.state,
            to,
            note: note.to_string(),
            progress,
        });
        self.state = to;
        true
    }
}

fn between(rng: &mut Rng, from: i64, to: i64) -> i64 {
    if to <= from {
        return from;
    }
    from + (rng.unit() * (to - from) as f64) as i64
}

fn pick<'t, T>(rng: &mut Rng, list: &'t [T]) -> &'t T {
    &list[rng.below(list.len())]
}

/// The index of a draw from cumulative weights.
fn weighted(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cumulative
        .partition_point(|c| *c <= x)
        .min(cumulative.len().saturating_sub(1))
}

fn cumulate(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .map(|w| {
            sum += w.max(0.0);
            sum
        })
        .collect()
}

fn date_of(at_us: i64) -> String {
    dieuhanh_core::time::vn_date(at_us)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// 17:00 on a due date: what is done by then is on time.
fn end_of(day: Date) -> i64 {
    local_us(day, 17 * 60).unwrap_or(i64::MAX / 2)
}

async fn handler(store: &Store, unit_id: i64) -> Result<Handler> {
    let officials = dieuhanh_store::users::active_officials(store, unit_id).await?;
    let named = |suffix: &str| {
        officials
            .iter()
            .find(|u| u.username.ends_with(suffix))
            .map(|u| u.id)
    };
    let first = officials.first().map(|u| u.id);
    Ok(Handler {
        id: unit_id,
        leader: named(".lanhdao").or(first),
        officer: named(".canbo").or(officials.get(1).map(|u| u.id)).or(first),
    })
}

/// Points inside each unit's boundary, drawn once (rejection sampling in its box).
fn points_by_unit(text: &str, units: &[Unit], rng: &mut Rng) -> HashMap<i64, Vec<(f64, f64)>> {
    use dieuhanh_core::geography::{BoundaryIndex, Coordinate};
    let mut out = HashMap::new();
    let Ok(index) = BoundaryIndex::from_geojson(text) else {
        return out;
    };
    for u in units {
        let Some((south, west, north, east)) = index.bounds(&u.code) else {
            continue;
        };
        let mut points = Vec::new();
        for _ in 0..400 {
            if points.len() >= 32 {
                break;
            }
            let lat = south + rng.unit() * (north - south);
            let lon = west + rng.unit() * (east - west);
            let inside = Coordinate::new(lat, lon)
                .ok()
                .and_then(|c| index.locate(c))
                .is_some_and(|code| code == u.code);
            if inside {
                // Six decimals, as a phone's position is sent.
                let round = |x: f64| (x * 1e6).round() / 1e6;
                points.push((round(lat), round(lon)));
            }
        }
        out.insert(u.id, points);
    }
    out
}

/// The generator's state across the kinds.
struct Work<'a> {
    store: &'a Store,
    calendar: &'a Calendar,
    rng: Rng,
    now: i64,
    today: Date,
    next_item: i64,
    units: Vec<Communal>,
    busy: Vec<f64>,
    /// The city (issuer of directives and reports) and its leader.
    city: i64,
    city_leader: Option<(i64, String)>,
    /// Every calendar day of the span, and its working days.
    span: Vec<Date>,
    working: Vec<Date>,
    /// Resolved citizen reports per (handling unit, day resolved).
    resolved: HashMap<(i64, Date), u32>,
    /// Tasks per unit: (id, created, closed or far future), for obstacles that name one.
    tasks: HashMap<i64, Vec<(i64, i64, i64)>>,
    counts: WorkCounts,
}

impl Work<'_> {
    fn months(&self) -> f64 {
        self.span.len() as f64 / DAYS_PER_MONTH
    }

    fn next_id(&mut self) -> i64 {
        let id = self.next_item;
        self.next_item += 1;
        id
    }

    /// A communal unit, the busier more often.
    fn unit(&self, rng: &mut Rng) -> usize {
        weighted(rng, &self.busy)
    }
}

/// An instant in office hours (07:30–17:00) of `day`.
fn office_time(rng: &mut Rng, day: Date) -> i64 {
    let minutes = between(rng, 450, 1020);
    local_us(day, minutes).unwrap_or(0)
}

/// Generates the other kinds of work over the plan's span (from its first day to today):
/// citizen reports, directives and tasks, monthly reports, obstacles. `units` and
/// `profiles` are the communal units the dossiers were generated for, in the same order.
pub async fn generate(
    store: &Store,
    calendar: &Calendar,
    plan: &Plan,
    units: &[Unit],
    profiles: &[UnitProfile],
    now: i64,
    dossiers: &DossierCounts,
) -> Result<WorkCounts> {
    let (Some(first), Some(today)) = (plan.days.first(), dieuhanh_core::time::vn_date(now)) else {
        return Ok(WorkCounts::default());
    };
    let mut span = Vec::new();
    let mut day = *first;
    while day <= today {
        span.push(day);
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let working: Vec<Date> = span
        .iter()
        .copied()
        .filter(|d| calendar.is_working_day(*d).unwrap_or(false))
        .collect();
    let mut rng = Rng::new(plan.seed ^ 0x0057_0412_6d6f_726b);
    let text = dieuhanh_store::units::boundaries_geojson(store).await?;
    let mut points = points_by_unit(&text, units, &mut rng);
    let communal: Vec<Communal> = units
        .iter()
        .zip(profiles)
        .map(|(u, p)| Communal {
            id: u.id,
            busy: p.busy,
            late_rate: p.late_rate,
            officer: p.officer,
            leader: p.leader,
            points: points.remove(&u.id).unwrap_or_default(),
        })
        .collect();
    let root = dieuhanh_store::units::root(store).await?;
    let city_leader = dieuhanh_store::users::active_officials(store, root.id)
        .await?
        .into_iter()
        .find(|u| u.role == Role::CityLeader)
        .map(|u| (u.id, u.full_name));
    let mut work = Work {
        store,
        calendar,
        rng,
        now,
        today,
        next_item: dieuhanh_store::bulk::next_item_id(store).await?,
        busy: cumulate(communal.iter().map(|u| u.busy)),
        units: communal,
        city: root.id,
        city_leader,
        span,
        working,
        resolved: HashMap::new(),
        tasks: HashMap::new(),
        counts: WorkCounts::default(),
    };
    if work.units.is_empty() {
        return Ok(work.counts);
    }
    citizen_reports(&mut work).await?;
    directives(&mut work).await?;
    reports(&mut work, dossiers).await?;
    obstacles(&mut work).await?;
    Ok(work.counts)
}

// ---------------------------------------------------------------------------------------
// Citizen reports

/// (service code, share of reports): rubbish, sidewalks and noise lead; the categories
/// a department handles (street lights, flooding, roads, trees, pollution, food) follow.
const SERVICE_MIX: [(&str, f64); 10] = [
    ("VSMT-01", 0.18),
    ("TTDT-01", 0.16),
    ("ANTT-01", 0.12),
    ("DCS-01", 0.10),
    ("TNG-01", 0.09),
    ("HTGT-01", 0.09),
    ("TTXD-01", 0.08),
    ("MT-01", 0.07),
    ("CX-01", 0.06),
    ("ATTP-01", 0.05),
];

const DESCRIPTIONS: [&str; 8] = [
    "Tình trạng kéo dài nhiều ngày, đề nghị cơ quan chức năng kiểm tra.",
    "Gây nguy hiểm cho người đi đường, nhất là buổi tối.",
    "Người dân trong hẻm đã phản ánh nhiều lần nhưng chưa được xử lý.",
    "Xảy ra sau mỗi cơn mưa lớn.",
    "Ảnh hưởng đến sinh hoạt của các hộ dân xung quanh.",
    "Đề nghị phường kiểm tra và xử lý sớm.",
    "Khu vực gần trường học, học sinh đi lại nhiều.",
    "Tái diễn sau lần xử lý trước.",
];

const RESOLVED: [&str; 5] = [
    "Đã kiểm tra và xử lý xong.",
    "Đơn vị đã phối hợp xử lý, hiện trạng đã được khắc phục.",
    "Đã lập biên bản, yêu cầu cá nhân vi phạm khắc phục; đã khắc phục.",
    "Đã sửa chữa, thay thế và đưa vào sử dụng bình thường.",
    "Đã nhắc nhở, vận động; sẽ tiếp tục theo dõi.",
];

const REJECTED: [&str; 3] = [
    "Trùng với phản ánh đã tiếp nhận trước đó.",
    "Nội dung không thuộc phạm vi tiếp nhận phản ánh hiện trường.",
    "Không xác định được vị trí phản ánh.",
];

const REOPENED: [&str; 2] = [
    "Người phản ánh cho biết tình trạng vẫn tiếp diễn.",
    "Kết quả xử lý chưa đạt yêu cầu, đề nghị xử lý lại.",
];

async fn citizen_reports(work: &mut Work<'_>) -> Result<()> {
    use dieuhanh_store::citizen::services;
    dieuhanh_store::seed_services::ensure_catalogue(work.store).await?;
    let catalogue = services(work.store).await?;
    if catalogue.is_empty() {
        return Ok(());
    }
    let shares = cumulate(catalogue.iter().map(|s| {
        SERVICE_MIX
            .iter()
            .find(|(code, _)| *code == s.code)
            .map_or(0.04, |(_, share)| *share)
    }));
    let triage = match dieuhanh_store::units::by_code(work.store, "van-phong-ubnd").await {
        Ok(u) => u.id,
        Err(_) => work.city,
    };
    let mut departments: HashMap<i64, Handler> = HashMap::new();
    for s in &catalogue {
        if let Some(d) = s.department_unit_id
            && !departments.contains_key(&d)
        {
            departments.insert(d, handler(work.store, d).await?);
        }
    }
    // More on working days, fewer at weekends and holidays, more in the rainy season.
    let weight = |d: &Date, calendar: &Calendar| {
        let working = calendar.is_working_day(*d).unwrap_or(false);
        (if working { 1.15 } else { 0.7 })
            * if (5..=11).contains(&d.month()) {
                1.1
            } else {
                0.95
            }
    };
    let weights: Vec<f64> = work.span.iter().map(|d| weight(d, work.calendar)).collect();
    let total_weight: f64 = weights.iter().sum();
    let expected = CITIZEN_REPORTS_PER_MONTH * work.months();
    let days = work.span.clone();
    for (day, w) in days.iter().zip(weights) {
        let n = work.rng.poisson(expected * w / total_weight.max(1e-9));
        let working = work.calendar.is_working_day(*day).unwrap_or(false);
        let mut made = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let mut own = work.rng.fork();
            let rng = &mut own;
            let service = &catalogue[weighted(rng, &shares)];
            let ward = work.unit(rng);
            let minutes = if working && rng.unit() < 0.62 {
                between(rng, 450, 1020)
            } else {
                between(rng, 360, 1410)
            };
            let Some(requested) = local_us(*day, minutes).filter(|t| *t < work.now) else {
                continue;
            };
            let Ok(due) = work
                .calendar
                .add_working_days(*day, service.deadline_days.max(0) as u32)
            else {
                continue;
            };
            let (handler, late_rate) = match service.department_unit_id {
                Some(d) => (departments[&d], 0.08),
                None => {
                    let u = &work.units[ward];
                    (
                        Handler {
                            id: u.id,
                            officer: u.officer,
                            leader: u.leader,
                        },
                        0.03 + u.late_rate,
                    )
                }
            };
            let point =
                (!work.units[ward].points.is_empty()).then(|| *pick(rng, &work.units[ward].points));
            let description = *pick(rng, &DESCRIPTIONS);
            let mut answers = dieuhanh_core::open311::Answers::new();
            for a in service.attributes.iter().filter(|a| a.variable) {
                if !a.values.is_empty() && (a.required || rng.unit() < 0.3) {
                    let (key, _) = pick(rng, &a.values);
                    answers.insert(a.code.clone(), vec![key.clone()]);
                }
            }
            // The story: acknowledged, worked (assigned or started), resolved — mostly
            // within the term — or rejected; a few reopened and resolved again.
            let due_end = end_of(due);
            let mut story = Story::new(work.now, requested, None, "received", "portal");
            let mut assignee = None;
            let mut closed = None;
            let mut notes = String::new();
            let term = (due_end - requested).max(HOUR);
            if rng.unit() < 0.05 {
                let note = *pick(rng, &REJECTED);
                if story.step(
                    requested + between(rng, 2 * HOUR, 2 * DAY),
                    handler.leader,
                    "reject",
                    "rejected",
                    note,
                    None,
                ) {
                    closed = Some(story.last_at());
                    notes = note.to_string();
                }
            } else if story.step(
                requested + between(rng, 10 * MINUTE, (term / 4).min(DAY)),
                handler.officer,
                "acknowledge",
                "acknowledged",
                "",
                None,
            ) {
                let worked = if rng.unit() < 0.6 {
                    assignee = handler.officer;
                    story.step(
                        story.last_at() + between(rng, 30 * MINUTE, 4 * HOUR),
                        handler.leader,
                        "assign",
                        "in_progress",
                        "",
                        None,
                    )
                } else {
                    story.step(
                        story.last_at() + between(rng, HOUR, DAY),
                        handler.officer,
                        "start",
                        "in_progress",
                        "",
                        None,
                    )
                };
                let resolve_at = if rng.unit() < late_rate {
                    due_end + between(rng, DAY, 8 * DAY)
                } else {
                    requested + (term as f64 * (0.2 + rng.unit() * 0.75)) as i64
                };
                let note = *pick(rng, &RESOLVED);
                if worked
                    && story.step(
                        resolve_at,
                        handler.officer,
                        "resolve",
                        "resolved",
                        note,
                        None,
                    )
                {
                    closed = Some(story.last_at());
                    notes = note.to_string();
                    if rng.unit() < 0.04 {
                        let reason = *pick(rng, &REOPENED);
                        if story.step(
                            story.last_at() + between(rng, DAY, 7 * DAY),
                            handler.leader,
                            "reopen",
                            "in_progress",
                            reason,
                            None,
                        ) {
                            closed = None;
                            notes = reason.to_string();
                            let again = *pick(rng, &RESOLVED);
                            if story.step(
                                story.last_at() + between(rng, DAY, 5 * DAY),
                                handler.officer,
                                "resolve",
                                "resolved",
                                again,
                                None,
                            ) {
                                closed = Some(story.last_at());
                                notes = again.to_string();
                            }
                        }
                    }
                }
            }
            let id = work.next_id();
            let assigned = story.events.iter().any(|e| e.action == "assign");
            if story.state == "resolved"
                && let Some(on) = closed.and_then(dieuhanh_core::time::vn_date)
            {
                *work.resolved.entry((handler.id, on)).or_default() += 1;
            }
            let title = format!("{}: {description}", service.name);
            made.push(CitizenReport {
                public_id: dieuhanh_core::open311::public_id(day.year(), id),
                service_code: service.code.clone(),
                point,
                description: description.to_string(),
                answers_json: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()),
                channel: "portal",
                requested_at_us: requested,
                updated_at_us: story.last_at(),
                status_notes: notes,
                item: Item {
                    id,
                    unit_id: handler.id,
                    kind: "citizen_report",
                    state: story.state,
                    directive_id: None,
                    issuer_unit_id: triage,
                    title,
                    priority: "normal",
                    due_date: due.to_string(),
                    assignee_id: assignee.filter(|_| assigned),
                    progress: 0,
                    created_at_us: requested,
                    closed_on: closed.map(date_of),
                    events: story.events,
                },
            });
        }
        if made.is_empty() {
            continue;
        }
        let mut tx = work.store.begin().await?;
        bulk_work::insert_citizen_reports(&mut tx, &made).await?;
        tx.commit().await?;
        work.counts.citizen_reports += made.len() as u64;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Directives and tasks

/// (title, summary, co-operating department, document suffix) of directives to many
/// units.
const WIDE: [(&str, &str, &str, &str); 14] = [
    (
        "Rà soát, làm sạch dữ liệu đất đai phục vụ cơ sở dữ liệu quốc gia",
        "Các phường, xã, đặc khu rà soát hồ sơ đất đai tồn đọng, cập nhật dữ liệu và báo cáo kết quả.",
        "so-nong-nghiep-va-moi-truong",
        "KT",
    ),
    (
        "Kiểm tra an toàn phòng cháy, chữa cháy tại chợ truyền thống",
        "Kiểm tra toàn bộ chợ truyền thống trên địa bàn, khắc phục ngay các tồn tại.",
        "so-cong-thuong",
        "VX",
    ),
    (
        "Báo cáo tình hình vận hành chính quyền địa phương hai cấp",
        "Đánh giá khó khăn, vướng mắc và đề xuất giải pháp sau sắp xếp đơn vị hành chính.",
        "so-noi-vu",
        "NCPC",
    ),
    (
        "Triển khai các biện pháp phòng, chống sốt xuất huyết",
        "Tổ chức chiến dịch diệt lăng quăng, vệ sinh môi trường tại khu dân cư.",
        "so-y-te",
        "VX",
    ),
    (
        "Ra quân lập lại trật tự lòng đường, vỉa hè",
        "Xử lý dứt điểm các điểm lấn chiếm kéo dài, báo cáo kết quả theo tuần.",
        "",
        "DT",
    ),
    (
        "Đẩy mạnh thu ngân sách nhà nước trên địa bàn",
        "Rà soát nguồn thu, đôn đốc các khoản nợ đọng, báo cáo tiến độ thu.",
        "so-tai-chinh",
        "KT",
    ),
    (
        "Rà soát nhà ở xuống cấp, nguy hiểm trước mùa mưa bão",
        "Lập danh sách, cảnh báo và bố trí tạm cư cho hộ dân khi cần thiết.",
        "so-xay-dung",
        "DT",
    ),
    (
        "Tiếp công dân định kỳ và giải quyết đơn thư tồn đọng",
        "Rà soát đơn thư quá hạn, tổ chức đối thoại và báo cáo kết quả giải quyết.",
        "thanh-tra-thanh-pho",
        "TCD",
    ),
    (
        "Nâng tỷ lệ hồ sơ trực tuyến toàn trình",
        "Hướng dẫn người dân nộp hồ sơ trực tuyến, bố trí công chức hỗ trợ tại bộ phận một cửa.",
        "van-phong-ubnd",
        "KSTT",
    ),
    (
        "Kiểm tra an toàn thực phẩm tại bếp ăn tập thể trường học",
        "Phối hợp kiểm tra điều kiện bảo đảm an toàn thực phẩm, xử lý vi phạm.",
        "so-an-toan-thuc-pham",
        "VX",
    ),
    (
        "Chuẩn bị phương án ứng phó triều cường, ngập úng",
        "Rà soát điểm ngập, bố trí lực lượng, phương tiện và báo cáo phương án.",
        "so-xay-dung",
        "DT",
    ),
    (
        "Rà soát hộ nghèo, hộ cận nghèo theo chuẩn mới",
        "Tổ chức rà soát, lập danh sách và đề xuất chính sách hỗ trợ.",
        "so-nong-nghiep-va-moi-truong",
        "VX",
    ),
    (
        "Đánh giá kết quả chuyển đổi số cấp xã",
        "Tự đánh giá theo bộ chỉ số, nêu khó khăn về hạ tầng và nhân lực.",
        "so-khoa-hoc-va-cong-nghe",
        "KT",
    ),
    (
        "Vận động người dân phân loại rác tại nguồn",
        "Tuyên truyền đến từng khu phố, ấp; báo cáo tỷ lệ hộ dân thực hiện.",
        "so-nong-nghiep-va-moi-truong",
        "KT",
    ),
];

/// (title, summary) of directives to one unit or a few.
const TARGETED: [(&str, &str); 8] = [
    (
        "Xử lý dứt điểm điểm ngập trên tuyến đường chính",
        "Phối hợp đơn vị quản lý hạ tầng khảo sát, đề xuất giải pháp và báo cáo.",
    ),
    (
        "Giải quyết đơn kiến nghị kéo dài của người dân",
        "Kiểm tra, đối thoại và trả lời người dân theo quy định.",
    ),
    (
        "Khắc phục tồn tại sau kiểm tra công tác cải cách hành chính",
        "Khắc phục các tồn tại đã nêu trong kết luận kiểm tra, báo cáo kết quả.",
    ),
    (
        "Giải trình tỷ lệ hồ sơ trễ hạn",
        "Báo cáo nguyên nhân hồ sơ trễ hạn và biện pháp khắc phục.",
    ),
    (
        "Di dời điểm tập kết rác tự phát",
        "Xóa điểm tập kết rác tự phát, bố trí điểm tập kết phù hợp.",
    ),
    (
        "Xử lý công trình xây dựng sai phép",
        "Kiểm tra, lập hồ sơ xử lý vi phạm trật tự xây dựng theo quy định.",
    ),
    (
        "Hoàn thiện hồ sơ bồi thường, giải phóng mặt bằng dự án",
        "Đẩy nhanh tiến độ kiểm đếm, lập phương án bồi thường.",
    ),
    (
        "Kiểm tra, xử lý nội dung báo chí phản ánh",
        "Kiểm tra thông tin báo chí nêu, xử lý và báo cáo kết quả.",
    ),
];

const EXTENSION_REASON: &str = "Khối lượng rà soát lớn, đề nghị gia hạn.";
const REFUSAL_REASON: &str = "Đề nghị tập trung hoàn thành đúng thời hạn.";
const REJECTION_REASON: &str = "Báo cáo chưa đủ số liệu, đề nghị bổ sung.";
const CANCEL_REASON: &str = "Nội dung đã được điều chỉnh bằng văn bản khác.";
const TERMS: [u32; 6] = [5, 7, 10, 15, 20, 30];

/// One task's life: assigned and worked by the unit, completion asked and accepted by
/// the city — mostly by the due date; some extended, some rejected once, a few
/// cancelled.
fn task_story(
    work: &Work<'_>,
    rng: &mut Rng,
    unit: usize,
    created: i64,
    due: Date,
    leader: Option<i64>,
) -> (Story, Option<i64>, i64, Date) {
    let u = &work.units[unit];
    let (officer, unit_leader, late_rate) = (u.officer, u.leader, 0.04 + 2.0 * u.late_rate);
    let mut due = due;
    let mut story = Story::new(work.now, created, leader, "received", "");
    let mut assignee = None;
    let mut progress = 0;
    let term = (end_of(due) - created).max(HOUR);
    if rng.unit() < 0.95 {
        if story.step(
            created + between(rng, 2 * HOUR, (term / 5).clamp(3 * HOUR, 2 * DAY)),
            unit_leader,
            "assign",
            "in_progress",
            "",
            None,
        ) {
            assignee = officer;
        }
    } else {
        // Some leaders work the task themselves without assigning it.
        if story.step(
            created + between(rng, 4 * HOUR, 2 * DAY),
            unit_leader,
            "report_progress",
            "in_progress",
            "",
            Some(10),
        ) {
            progress = 10;
        }
    }
    let worker = assignee.or(unit_leader);
    let halfway = created + term / 2;
    let p = 30 + rng.below(41) as i64;
    if story.step(
        halfway + between(rng, -(term / 6), term / 6),
        worker,
        "report_progress",
        "in_progress",
        "",
        Some(p),
    ) {
        progress = p;
    }
    if rng.unit() < 0.01 {
        let at = story.last_at() + between(rng, HOUR, 3 * DAY);
        story.step(at, leader, "cancel", "cancelled", CANCEL_REASON, None);
        return (story, assignee, progress, due);
    }
    if rng.unit() < 0.05
        && story.step(
            end_of(due) - between(rng, DAY, 3 * DAY),
            worker,
            "request_extension",
            "extension_requested",
            EXTENSION_REASON,
            None,
        )
    {
        let at = story.last_at() + between(rng, 2 * HOUR, DAY);
        // Mostly granted (by a few more working days), sometimes refused.
        let granted = (rng.unit() < 0.8)
            .then(|| {
                work.calendar
                    .add_working_days(due, 5 + rng.below(6) as u32)
                    .ok()
            })
            .flatten();
        match granted {
            Some(later) => {
                if story.step(at, leader, "grant_extension", "in_progress", "", None) {
                    due = later;
                }
            }
            None => {
                story.step(
                    at,
                    leader,
                    "refuse_extension",
                    "in_progress",
                    REFUSAL_REASON,
                    None,
                );
            }
        }
    }
    let due_end = end_of(due);
    let late = rng.unit() < late_rate;
    let done = if late {
        due_end + between(rng, DAY, 12 * DAY)
    } else {
        let from = story.last_at();
        from + ((due_end - from).max(HOUR) as f64 * (0.3 + rng.unit() * 0.6)) as i64
    };
    if !story.step(
        done,
        worker,
        "request_completion",
        "completion_requested",
        "",
        Some(100),
    ) {
        return (story, assignee, progress, due);
    }
    progress = 100;
    if rng.unit() < 0.05 {
        let at = story.last_at() + between(rng, 2 * HOUR, 2 * DAY);
        if !story.step(
            at,
            leader,
            "reject_completion",
            "in_progress",
            REJECTION_REASON,
            None,
        ) {
            return (story, assignee, progress, due);
        }
        let at = story.last_at() + between(rng, DAY, 3 * DAY);
        if !story.step(
            at,
            worker,
            "request_completion",
            "completion_requested",
            "",
            Some(100),
        ) {
            return (story, assignee, progress, due);
        }
    }
    let asked = story.last_at();
    let accept = if late || asked >= due_end {
        asked + between(rng, HOUR, 2 * DAY)
    } else {
        // Accepted in time when asked in time.
        asked + between(rng, 30 * MINUTE, (due_end - asked).clamp(31 * MINUTE, DAY))
    };
    story.step(accept, leader, "accept_completion", "done", "", Some(100));
    (story, assignee, progress, due)
}

async fn directives(work: &mut Work<'_>) -> Result<()> {
    let Some((leader, signer)) = work.city_leader.clone() else {
        return Ok(());
    };
    let mut cooperating: HashMap<&str, Option<i64>> = HashMap::new();
    for (_, _, code, _) in WIDE {
        if !code.is_empty() && !cooperating.contains_key(code) {
            let id = dieuhanh_store::units::by_code(work.store, code)
                .await
                .ok()
                .map(|u| u.id);
            cooperating.insert(code, id);
        }
    }
    let working = work.working.clone();
    let per_day = |per_month: f64| per_month * work.months() / working.len().max(1) as f64;
    let (wide_rate, targeted_rate) = (
        per_day(WIDE_DIRECTIVES_PER_MONTH),
        per_day(TARGETED_DIRECTIVES_PER_MONTH),
    );
    let mut next_directive = bulk_work::next_id(work.store, "directives").await?;
    let mut numbers: HashMap<i16, u32> = HashMap::new();
    for day in working {
        let wide = u64::from(work.rng.unit() < wide_rate);
        let targeted = work.rng.poisson(targeted_rate);
        let mut made: Vec<Directive> = Vec::new();
        for k in 0..wide + targeted {
            let is_wide = k < wide;
            let mut own = work.rng.fork();
            let rng = &mut own;
            let created = office_time(rng, day);
            if created >= work.now {
                continue;
            }
            let (title, summary, cooperator, suffix) = if is_wide {
                *pick(rng, &WIDE)
            } else {
                let (t, s) = *pick(rng, &TARGETED);
                (t, s, "", "DT")
            };
            let term = if is_wide {
                *pick(rng, &TERMS)
            } else {
                *pick(rng, &TERMS[..4])
            };
            let Ok(due) = work.calendar.add_working_days(day, term) else {
                continue;
            };
            let number = numbers
                .entry(day.year())
                .or_insert_with(|| 100 + rng.below(50) as u32);
            *number += 5 + rng.below(56) as u32;
            let doc_number = format!("{number}/UBND-{suffix}");
            // Directives to many units: all of them, or a large share; to a few: one to
            // five units, the busier more often.
            let chosen: Vec<usize> = if is_wide {
                let share = if rng.unit() < 0.6 {
                    1.0
                } else {
                    0.5 + rng.unit() * 0.3
                };
                (0..work.units.len())
                    .filter(|_| share >= 1.0 || rng.unit() < share)
                    .collect()
            } else {
                let n = 1 + rng.below(5);
                let mut picked: Vec<usize> = (0..n).map(|_| work.unit(rng)).collect();
                picked.sort_unstable();
                picked.dedup();
                picked
            };
            let priority = if is_wide && rng.unit() < 0.3 {
                "high"
            } else if !is_wide && rng.unit() < 0.15 {
                "urgent"
            } else {
                "normal"
            };
            let id = next_directive;
            next_directive += 1;
            let mut tasks = Vec::with_capacity(chosen.len());
            for unit in chosen {
                let mut task_rng = rng.fork();
                let (story, assignee, progress, current_due) =
                    task_story(work, &mut task_rng, unit, created, due, Some(leader));
                let item_id = work.next_id();
                let closed = matches!(story.state, "done" | "cancelled").then(|| story.last_at());
                let unit_id = work.units[unit].id;
                work.tasks.entry(unit_id).or_default().push((
                    item_id,
                    created,
                    closed.unwrap_or(i64::MAX),
                ));
                tasks.push(Item {
                    id: item_id,
                    unit_id,
                    kind: "task",
                    state: story.state,
                    directive_id: Some(id),
                    issuer_unit_id: work.city,
                    title: title.to_string(),
                    priority,
                    due_date: current_due.to_string(),
                    assignee_id: assignee,
                    progress,
                    created_at_us: created,
                    closed_on: closed.map(date_of),
                    events: story.events,
                });
            }
            work.counts.tasks += tasks.len() as u64;
            made.push(Directive {
                id,
                unit_id: work.city,
                doc_number,
                doc_date: day.to_string(),
                signer: signer.clone(),
                title: title.to_string(),
                summary: summary.to_string(),
                due_date: due.to_string(),
                created_by: Some(leader),
                created_at_us: created,
                tasks,
                cooperators: cooperating
                    .get(cooperator)
                    .copied()
                    .flatten()
                    .into_iter()
                    .collect(),
            });
        }
        if made.is_empty() {
            continue;
        }
        let mut tx = work.store.begin().await?;
        bulk_work::insert_directives(&mut tx, &made).await?;
        tx.commit().await?;
        work.counts.directives += made.len() as u64;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Monthly reports

const SITUATION: [&str; 3] = ["Ổn định", "Cơ bản ổn định", "Phức tạp"];
const DIFFICULTIES: [&str; 5] = [
    "Thiếu công chức địa chính sau sắp xếp; đề nghị bổ sung biên chế.",
    "Máy quét tại bộ phận một cửa xuống cấp.",
    "Không có.",
    "Đề nghị hướng dẫn cấp giấy chứng nhận cho đất có nguồn gốc lấn chiếm.",
    "Đường truyền mạng tại bộ phận một cửa chập chờn vào giờ cao điểm.",
];
const RETURN_REASON: &str = "Đề nghị làm rõ số liệu thu ngân sách.";

async fn reports(work: &mut Work<'_>, dossiers: &DossierCounts) -> Result<()> {
    use dieuhanh_store::seed_reports::{MONTHLY_TITLE, monthly_fields};
    let Some((leader, _)) = work.city_leader.clone() else {
        return Ok(());
    };
    let (frequency, system) = (Frequency::Monthly, PeriodSystem::CutOff);
    let Some(first) = work
        .span
        .first()
        .and_then(|d| Period::containing(frequency, system, *d))
    else {
        return Ok(());
    };
    let fields = monthly_fields();
    let Some(opened_first) = first.start().and_then(|d| local_us(d, 0)) else {
        return Ok(());
    };
    // Each unit's usual monthly figures: its dossiers, and a revenue of its own.
    let months = work.months().max(1.0 / DAYS_PER_MONTH);
    let mut received_by_unit: HashMap<i64, u32> = HashMap::new();
    for ((unit, _), (received, _)) in dossiers {
        *received_by_unit.entry(*unit).or_default() += received;
    }
    let revenue: Vec<f64> = (0..work.units.len())
        .map(|_| 1_500.0 + (work.rng.unit() * 900.0).round() * 10.0)
        .collect();
    let template_id = bulk_work::next_id(work.store, "report_templates").await?;
    let targets = work
        .units
        .iter()
        .zip(&revenue)
        .flat_map(|(u, r)| {
            let usual = f64::from(received_by_unit.get(&u.id).copied().unwrap_or(0)) / months;
            [
                (
                    u.id,
                    "ho_so_tiep_nhan".to_string(),
                    (usual * 1.05 / 10.0).round() * 10.0,
                ),
                (
                    u.id,
                    "thu_ngan_sach".to_string(),
                    (r * 1.1 / 100.0).round() * 100.0,
                ),
            ]
        })
        .collect();
    let template = Template {
        id: template_id,
        unit_id: work.city,
        title: MONTHLY_TITLE.to_string(),
        frequency: frequency.as_str(),
        period_system: system.as_str(),
        due_working_days: crate::reports::DEFAULT_DUE_WORKING_DAYS,
        fields_json: serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
        created_by: Some(leader),
        created_at_us: opened_first,
        unit_ids: work.units.iter().map(|u| u.id).collect(),
        targets,
    };
    let mut template = Some(template);
    let mut period = Some(first);
    while let Some(p) = period.take() {
        period = p.next();
        let (Some(start), Some(end)) = (p.start(), p.end()) else {
            continue;
        };
        if start > work.today {
            break;
        }
        // A deadline the calendar cannot compute yet is not guessed (as the server's
        // job does).
        let Ok(due) = work
            .calendar
            .add_working_days(end, crate::reports::DEFAULT_DUE_WORKING_DAYS as u32)
        else {
            continue;
        };
        let due_end = end_of(due);
        let opened = local_us(start, 1).unwrap_or(opened_first).max(opened_first);
        if opened >= work.now {
            break;
        }
        let key = p.key();
        let title = format!("{MONTHLY_TITLE} · {}", p.label());
        let mut made = Vec::with_capacity(work.units.len());
        for (i, r) in revenue.iter().enumerate() {
            let u = &work.units[i];
            let (unit_id, unit_leader, late_rate) = (u.id, u.leader, u.late_rate);
            // The unit's figures for the period.
            let (mut received, mut on_time, mut resolved) = (0u32, 0u32, 0u32);
            let mut d = start;
            while d <= end {
                if let Some((r, t)) = dossiers.get(&(unit_id, d)) {
                    received += r;
                    on_time += t;
                }
                resolved += work.resolved.get(&(unit_id, d)).copied().unwrap_or(0);
                match d.tomorrow() {
                    Ok(next) => d = next,
                    Err(_) => break,
                }
            }
            let mut own = work.rng.fork();
            let rng = &mut own;
            let mut values = Values::new();
            values.insert(
                "ho_so_tiep_nhan".into(),
                FieldValue::Number(f64::from(received)),
            );
            values.insert(
                "ho_so_dung_han".into(),
                FieldValue::Number(f64::from(on_time)),
            );
            let draft = values.clone();
            values.insert(
                "thu_ngan_sach".into(),
                FieldValue::Number((r * (0.85 + rng.unit() * 0.3)).round()),
            );
            values.insert("phan_anh".into(), FieldValue::Number(f64::from(resolved)));
            let situation = if rng.unit() < 0.7 {
                SITUATION[0]
            } else if rng.unit() < 0.85 {
                SITUATION[1]
            } else {
                SITUATION[2]
            };
            values.insert("tu_danh_gia".into(), FieldValue::Text(situation.into()));
            values.insert(
                "kho_khan".into(),
                FieldValue::Text(pick(rng, &DIFFICULTIES).to_string()),
            );
            // Most units submit between the cut-off and the deadline; some late, a
            // few not at all.
            let fate = rng.unit();
            let missing = fate < 0.03 + late_rate * 0.3;
            let late = !missing && fate < 0.09 + late_rate * 1.3;
            let submit_at = if late {
                due_end + between(rng, DAY, 9 * DAY)
            } else {
                let from = local_us(end, 8 * 60).unwrap_or(opened).max(opened + HOUR);
                between(rng, from, due_end - HOUR)
            };
            let mut story = Story::new(work.now, opened, Some(leader), "open", &key);
            let mut submitted = None;
            let mut returned = false;
            if !missing && story.step(submit_at, unit_leader, "submit", "submitted", "", None) {
                submitted = Some(story.last_at());
                let next = rng.unit();
                if next < 0.05 {
                    let at = story.last_at() + between(rng, DAY, 3 * DAY);
                    if story.step(at, Some(leader), "return", "open", RETURN_REASON, None) {
                        submitted = None;
                        returned = true;
                        let at = story.last_at() + between(rng, DAY, 3 * DAY);
                        if story.step(at, unit_leader, "submit", "submitted", "", None) {
                            submitted = Some(story.last_at());
                        }
                    }
                } else if next < 0.65 {
                    let at = story.last_at() + between(rng, DAY, 5 * DAY);
                    story.step(at, Some(leader), "accept", "accepted", "", None);
                }
            }
            // An open report may hold a draft (saved values, no event); a returned one
            // keeps what it sent.
            let values = if story.state != "open" || returned {
                values
            } else if work.now > opened + 12 * DAY && rng.unit() < 0.4 {
                draft
            } else {
                Values::new()
            };
            made.push(Obligation {
                template_id,
                period_key: key.clone(),
                values_json: serde_json::to_string(&values).unwrap_or_else(|_| "{}".into()),
                item: Item {
                    id: work.next_item,
                    unit_id,
                    kind: "report",
                    state: story.state,
                    directive_id: None,
                    issuer_unit_id: work.city,
                    title: title.clone(),
                    priority: "normal",
                    due_date: due.to_string(),
                    assignee_id: None,
                    progress: 0,
                    created_at_us: opened,
                    closed_on: submitted.map(date_of),
                    events: story.events,
                },
            });
            work.next_item += 1;
        }
        let mut tx = work.store.begin().await?;
        if let Some(t) = template.take() {
            bulk_work::insert_template(&mut tx, &t).await?;
        }
        bulk_work::insert_obligations(&mut tx, &made).await?;
        tx.commit().await?;
        work.counts.reports += made.len() as u64;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Obstacles

/// (domain, title, the department's answer) of obstacles units raise.
const OBSTACLES: [(&str, &str, &str); 12] = [
    (
        "đất đai",
        "Cấp giấy chứng nhận cho đất có nguồn gốc lấn chiếm trước 2014",
        "Áp dụng Điều 138 Luật Đất đai 2024; UBND cấp xã xác nhận thời điểm bắt đầu sử dụng đất.",
    ),
    (
        "đất đai",
        "Chỉnh lý biến động đất đai sau sắp xếp đơn vị hành chính",
        "Văn phòng đăng ký đất đai cập nhật theo danh mục đơn vị mới; phường rà soát hồ sơ tồn.",
    ),
    (
        "nhà ở",
        "Xử lý chung cư cũ xuống cấp chưa có chủ đầu tư cải tạo",
        "Sở đã đưa vào danh mục kiểm định năm tới; phường lập danh sách hộ dân.",
    ),
    (
        "giáo dục phổ thông",
        "Thiếu phòng học lớp 1 năm học tới do tăng dân số cơ học",
        "Sở điều chỉnh tuyến tuyển sinh và bố trí phòng học tạm tại trường lân cận.",
    ),
    (
        "môi trường",
        "Điểm tập kết rác tự phát ven kênh",
        "Phường bố trí điểm tập kết tạm; Sở phối hợp đơn vị thu gom tăng tần suất.",
    ),
    (
        "hạ tầng kỹ thuật đô thị",
        "Hệ thống thoát nước khu dân cư quá tải khi triều cường",
        "Đã đưa vào kế hoạch cải tạo cống; trước mắt lắp van ngăn triều.",
    ),
    (
        "cán bộ, công chức, viên chức",
        "Thiếu công chức địa chính sau sắp xếp bộ máy",
        "Sở hướng dẫn điều động trong nội bộ và bổ sung chỉ tiêu tuyển dụng.",
    ),
    (
        "hộ tịch",
        "Đăng ký khai sinh cho trẻ không có giấy chứng sinh",
        "Thực hiện theo Điều 16 Nghị định 123/2015/NĐ-CP với văn bản cam đoan của người làm chứng.",
    ),
    (
        "tài sản công",
        "Xử lý trụ sở dôi dư sau sắp xếp đơn vị hành chính",
        "Đơn vị lập phương án sử dụng, gửi Sở thẩm định trước khi trình UBND Thành phố.",
    ),
    (
        "ngân sách nhà nước",
        "Kinh phí vận hành bộ phận một cửa cấp xã",
        "Bố trí trong dự toán chi thường xuyên; Sở hướng dẫn điều chỉnh dự toán.",
    ),
    (
        "an toàn giao thông",
        "Lắp đặt đèn tín hiệu tại giao lộ thường xảy ra tai nạn",
        "Sở đã khảo sát, đưa vào kế hoạch lắp đặt trong quý tới.",
    ),
    (
        "bảo trợ xã hội",
        "Chi trả trợ cấp cho người cao tuổi chuyển nơi cư trú",
        "Nơi cư trú mới tiếp nhận hồ sơ, chi trả từ tháng kế tiếp; không cần lập lại hồ sơ.",
    ),
];

const OBSTACLE_DESCRIPTION: &str = "Đơn vị đã rà soát và đề nghị Sở hướng dẫn.";
const REOPEN_REASON: &str = "Câu trả lời chưa giải quyết được vướng mắc cụ thể của đơn vị.";
const FURTHER_ANSWER: &str = "Sở hướng dẫn bổ sung và đã làm việc trực tiếp với đơn vị.";
const WITHDRAW_REASON: &str = "Đơn vị đã tự giải quyết được.";

async fn obstacles(work: &mut Work<'_>) -> Result<()> {
    let routes = dieuhanh_store::obstacles::routes(work.store).await?;
    let cases: Vec<(String, String, String, i64)> = OBSTACLES
        .iter()
        .filter_map(|(domain, title, answer)| {
            routes.iter().find(|r| r.domain == *domain).map(|r| {
                (
                    domain.to_string(),
                    title.to_string(),
                    answer.to_string(),
                    r.unit_id,
                )
            })
        })
        .collect();
    let office = dieuhanh_store::units::by_code(work.store, crate::obstacles::COORDINATING_OFFICE)
        .await
        .ok()
        .map(|u| u.id);
    let mut handlers: HashMap<i64, Handler> = HashMap::new();
    for department in cases.iter().map(|c| c.3).chain(office) {
        if let std::collections::hash_map::Entry::Vacant(e) = handlers.entry(department) {
            e.insert(handler(work.store, department).await?);
        }
    }
    if cases.is_empty() {
        return Ok(());
    }
    let working = work.working.clone();
    let rate = OBSTACLES_PER_MONTH * work.months() / working.len().max(1) as f64;
    let answer_days = crate::obstacles::DEFAULT_ANSWER_DAYS;
    let mut made: Vec<Obstacle> = Vec::new();
    for (i, day) in working.iter().enumerate() {
        let n = work.rng.poisson(rate);
        for _ in 0..n {
            let mut own = work.rng.fork();
            let rng = &mut own;
            let raised = office_time(rng, *day);
            if raised >= work.now {
                continue;
            }
            let unit = work.unit(rng);
            let (unit_id, raiser, officer) = (
                work.units[unit].id,
                work.units[unit].leader,
                work.units[unit].officer,
            );
            // A few have no domain in the routing table and go to the city's office.
            let (domain, title, answer, department, routed) = match office {
                Some(o) if rng.unit() < 0.04 => (
                    String::new(),
                    "Đề nghị hướng dẫn thực hiện nhiệm vụ mới sau sắp xếp bộ máy".to_string(),
                    "Văn phòng đã chuyển Sở Nội vụ hướng dẫn; đơn vị thực hiện theo văn bản đính kèm."
                        .to_string(),
                    o,
                    false,
                ),
                _ => {
                    let (d, t, a, dept) = pick(rng, &cases).clone();
                    (d, t, a, dept, true)
                }
            };
            let Some(department) = handlers.get(&department).copied() else {
                continue;
            };
            let Ok(mut due) = work.calendar.add_working_days(*day, answer_days) else {
                continue;
            };
            // The task it stands in the way of, when it names one.
            let task_id = if rng.unit() < 0.15 {
                work.tasks.get(&unit_id).and_then(|list| {
                    list.iter()
                        .rev()
                        .find(|(_, created, closed)| *created < raised && raised < *closed)
                        .map(|(id, _, _)| *id)
                })
            } else {
                None
            };
            let mut story = Story::new(work.now, raised, raiser, "submitted", "");
            let mut given = String::new();
            let mut closed = None;
            if rng.unit() < 0.03 {
                let at = raised + between(rng, DAY, 5 * DAY);
                if story.step(at, officer, "withdraw", "withdrawn", WITHDRAW_REASON, None) {
                    closed = Some(story.last_at());
                }
            } else {
                let due_end = end_of(due);
                let at = if rng.unit() < 0.85 {
                    raised + between(rng, 4 * HOUR, ((due_end - raised) as f64 * 0.95) as i64)
                } else {
                    due_end + between(rng, DAY, 10 * DAY)
                };
                if story.step(at, department.officer, "answer", "answered", &answer, None) {
                    given = answer.clone();
                    let next = rng.unit();
                    if next < 0.08 {
                        let at = story.last_at() + between(rng, DAY, 5 * DAY);
                        if story.step(at, officer, "reopen", "submitted", REOPEN_REASON, None) {
                            if let Some(on) = dieuhanh_core::time::vn_date(story.last_at())
                                && let Ok(d) = work.calendar.add_working_days(on, answer_days)
                            {
                                due = d;
                            }
                            let at = story.last_at() + between(rng, DAY, 6 * DAY);
                            if story.step(
                                at,
                                department.officer,
                                "answer",
                                "answered",
                                FURTHER_ANSWER,
                                None,
                            ) {
                                given = FURTHER_ANSWER.to_string();
                                let at = story.last_at() + between(rng, DAY, 4 * DAY);
                                if story.step(at, officer, "accept", "accepted", "", None) {
                                    closed = Some(story.last_at());
                                }
                            }
                        }
                    } else if next < 0.8 {
                        let at = story.last_at() + between(rng, DAY, 6 * DAY);
                        if story.step(at, officer, "accept", "accepted", "", None) {
                            closed = Some(story.last_at());
                        }
                    }
                }
            }
            made.push(Obstacle {
                domain,
                description: OBSTACLE_DESCRIPTION.to_string(),
                answer: given,
                routed,
                task_id,
                item: Item {
                    id: work.next_item,
                    unit_id: department.id,
                    kind: "obstacle",
                    state: story.state,
                    directive_id: None,
                    issuer_unit_id: unit_id,
                    title,
                    priority: "normal",
                    due_date: due.to_string(),
                    assignee_id: None,
                    progress: 0,
                    created_at_us: raised,
                    closed_on: closed.map(date_of),
                    events: story.events,
                },
            });
            work.next_item += 1;
        }
        // One transaction a month.
        let month_ends = working
            .get(i + 1)
            .is_none_or(|next| next.month() != day.month());
        if month_ends && !made.is_empty() {
            let mut tx = work.store.begin().await?;
            bulk_work::insert_obstacles(&mut tx, &made).await?;
            tx.commit().await?;
            work.counts.obstacles += made.len() as u64;
            made.clear();
        }
    }
    Ok(())
}
