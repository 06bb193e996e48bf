//! Staff and their recurring weekly schedules: the domain and its validation
//! (pure, no I/O). A schedule is a list of intervals `weekday, start, end` in the
//! tenant's time zone; an interval must end after it starts, and two intervals of
//! the same person on the same day must not overlap (touching is fine: 09:00-13:00
//! and 13:00-17:00). Every problem is reported at once, each naming its field.

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};

/// A day of the week (ISO order, Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 = Monday ... 6 = Sunday (the number stored in `staff_schedules`).
    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Self> {
        Self::ALL.get(usize::from(i)).copied()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// English (`mon`, `Monday`) or Swahili (`jumatatu`) names, any case.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        let by_name = [
            ("mon", "jumatatu"),
            ("tue", "jumanne"),
            ("wed", "jumatano"),
            ("thu", "alhamisi"),
            ("fri", "ijumaa"),
            ("sat", "jumamosi"),
            ("sun", "jumapili"),
        ];
        by_name.iter().zip(Self::ALL).find_map(|((en, sw), day)| {
            (s == *sw || (s.len() >= 3 && day.as_str().starts_with(&s) && s.starts_with(en)))
                .then_some(day)
        })
    }
}

/// A time of day in minutes after midnight (`09:30` is 570; `24:00` ends a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn from_minutes(m: u16) -> Option<Self> {
        (m <= 24 * 60).then_some(Self(m))
    }

    /// `HH:MM` (24 h), `9:00`, `24:00`.
    pub fn parse(s: &str) -> Option<Self> {
        let (h, m) = s.trim().split_once(':')?;
        if m.len() != 2 || h.is_empty() || h.len() > 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return None;
        }
        Some(Self(h * 60 + m))
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not a time like 09:30")))
    }
}

/// One recurring weekly interval, in the tenant's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInterval {
    pub weekday: Weekday,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

/// A staff member as given (to create or replace one).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StaffSpec {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Names of the services they perform (matched ignoring case and spacing).
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub schedule: Vec<ScheduleInterval>,
}

/// A staff member as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub services: Vec<String>,
    pub schedule: Vec<ScheduleInterval>,
}

const MAX_NAME_CHARS: usize = 120;

impl StaffSpec {
    /// Every problem at once: a blank or long name, inverted or empty intervals,
    /// overlapping intervals on one day, a service listed twice.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "must not be blank"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::new(
                "name",
                format!("must be at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let mut seen = std::collections::HashMap::new();
        for (i, s) in self.services.iter().enumerate() {
            let key = crate::catalog::name_key(s);
            if key.is_empty() {
                errors.push(FieldError::new(
                    format!("services[{i}]"),
                    "must not be blank",
                ));
            } else if let Some(first) = seen.insert(key, i) {
                errors.push(FieldError::new(
                    format!("services[{i}]"),
                    format!("'{}' appears twice (also services[{first}])", s.trim()),
                ));
            }
        }
        for (i, iv) in self.schedule.iter().enumerate() {
            if iv.end <= iv.start {
                errors.push(FieldError::new(
                    format!("schedule[{i}].end"),
                    format!(
                        "{} is not after the start {} (an interval must end after it starts)",
                        iv.end, iv.start
                    ),
                ));
            }
        }
        for (i, a) in self.schedule.iter().enumerate() {
            if a.end <= a.start {
                continue;
            }
            if let Some(j) = self.schedule[..i].iter().position(|b| {
                b.weekday == a.weekday && b.end > b.start && a.start < b.end && b.start < a.end
            }) {
                let b = &self.schedule[j];
                errors.push(FieldError::new(
                    format!("schedule[{i}]"),
                    format!(
                        "{} {}-{} overlaps schedule[{j}] ({}-{})",
                        a.weekday.as_str(),
                        a.start,
                        a.end,
                        b.start,
                        b.end
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(errors))
        }
    }
}

/// A staff spec checked and normalised for storage: validated (every problem at
/// once, phone included), the name and phone trimmed, services resolved against
/// the tenant's catalog. Backends call [`StaffSpec::resolve`] inside their write
/// transaction, with the catalog they just read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStaff {
    pub name: String,
    pub phone: Option<String>,
    /// `(service id, service name)`, in the order given, without repeats.
    pub services: Vec<(String, String)>,
    /// Ordered by weekday, then start.
    pub schedule: Vec<ScheduleInterval>,
}

impl StaffSpec {
    /// Validates the spec and resolves each service, given by name (ignoring case
    /// and spacing) or by id, against `catalog` (`(id, name)` pairs). A service the
    /// tenant does not have is a field error `services[i]`.
    pub fn resolve(&self, catalog: &[(String, String)]) -> Result<ResolvedStaff> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => e.field_errors().to_vec(),
        };
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match crate::tenant::PhoneNumber::parse(raw) {
                Ok(p) => Some(p.as_str().to_string()),
                Err(rule) => {
                    errors.push(FieldError::new("phone", rule));
                    None
                }
            },
        };
        let mut services: Vec<(String, String)> = Vec::new();
        for (i, given) in self.services.iter().enumerate() {
            let key = crate::catalog::name_key(given);
            if key.is_empty() {
                continue; // already reported by validate
            }
            let found = catalog
                .iter()
                .find(|(id, _)| id == given.trim())
                .or_else(|| {
                    catalog
                        .iter()
                        .find(|(_, name)| crate::catalog::name_key(name) == key)
                });
            match found {
                Some(hit) if services.iter().any(|(id, _)| *id == hit.0) => {}
                Some(hit) => services.push(hit.clone()),
                None => errors.push(FieldError::new(
                    format!("services[{i}]"),
                    format!(
                        "'{}' is not a service of this tenant (add it to the catalog first)",
                        given.trim()
                    ),
                )),
            }
        }
        if !errors.is_empty() {
            let mut seen = std::collections::HashSet::new();
            errors.retain(|e| seen.insert((e.field.clone(), e.message.clone())));
            return Err(Error::validation(errors));
        }
        let mut schedule = self.schedule.clone();
        schedule.sort_by_key(|iv| (iv.weekday, iv.start));
        Ok(ResolvedStaff {
            name: self.name.trim().to_string(),
            phone,
            services,
            schedule,
        })
    }
}

/// A staff id that names nobody in this tenant.
pub fn staff_not_found(slug: &impl std::fmt::Display, id: &str) -> Error {
    Error::not_found(format!("no staff member '{id}' in tenant '{slug}'"))
}

/// One interval as frontends receive it: weekday and times as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalText {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

/// A staff member as the HTTP API, the CLI and the bindings receive one. Turning it
/// into a [`StaffSpec`] reports every unreadable weekday or time at once, each naming
/// its field (`schedule[1].start`); [`StaffSpec::validate`] then checks the rules.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub schedule: Vec<IntervalText>,
}

impl StaffRequest {
    pub fn into_spec(self) -> Result<StaffSpec> {
        let mut errors = Vec::new();
        let mut schedule = Vec::new();
        for (i, iv) in self.schedule.iter().enumerate() {
            let weekday = Weekday::parse(&iv.weekday);
            if weekday.is_none() {
                errors.push(FieldError::new(
                    format!("schedule[{i}].weekday"),
                    format!(
                        "'{}' is not a weekday (monday ... sunday, mon ... sun, or jumatatu ... jumapili)",
                        iv.weekday
                    ),
                ));
            }
            let mut time = |part: &str, raw: &str| {
                let t = TimeOfDay::parse(raw);
                if t.is_none() {
                    errors.push(FieldError::new(
                        format!("schedule[{i}].{part}"),
                        format!("'{raw}' is not a time like 09:30 (HH:MM, 24 h)"),
                    ));
                }
                t
            };
            let start = time("start", &iv.start);
            let end = time("end", &iv.end);
            if let (Some(weekday), Some(start), Some(end)) = (weekday, start, end) {
                schedule.push(ScheduleInterval {
                    weekday,
                    start,
                    end,
                });
            }
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        Ok(StaffSpec {
            name: self.name,
            phone: self.phone,
            services: self.services,
            schedule,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(day: Weekday, start: &str, end: &str) -> ScheduleInterval {
        ScheduleInterval {
            weekday: day,
            start: TimeOfDay::parse(start).expect("start"),
            end: TimeOfDay::parse(end).expect("end"),
        }
    }

    #[test]
    fn times_and_days_parse() {
        assert_eq!(TimeOfDay::parse("09:30").map(|t| t.minutes()), Some(570));
        assert_eq!(
            TimeOfDay::parse("9:05").map(|t| t.to_string()).as_deref(),
            Some("09:05")
        );
        assert!(TimeOfDay::parse("24:00").is_some());
        for bad in ["24:01", "12:60", "noon", "12", "1:5", "-1:00"] {
            assert!(TimeOfDay::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Weekday::parse("Mon"), Some(Weekday::Monday));
        assert_eq!(Weekday::parse("saturday"), Some(Weekday::Saturday));
        assert_eq!(Weekday::parse("Jumamosi"), Some(Weekday::Saturday));
        assert_eq!(Weekday::parse("mo"), None);
        assert_eq!(Weekday::from_index(6), Some(Weekday::Sunday));
    }

    #[test]
    fn a_good_week_is_valid_and_touching_is_not_overlap() {
        let spec = StaffSpec {
            name: "Wanjiku".into(),
            phone: None,
            services: vec!["Manicure".into(), "Pedicure".into()],
            schedule: vec![
                iv(Weekday::Monday, "09:00", "13:00"),
                iv(Weekday::Monday, "13:00", "17:00"),
                iv(Weekday::Saturday, "10:00", "16:00"),
            ],
        };
        spec.validate().expect("valid");
        let json = serde_json::to_value(&spec).expect("json");
        assert_eq!(json["schedule"][0]["start"], "09:00");
        assert_eq!(json["schedule"][0]["weekday"], "monday");
        let back: StaffSpec = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, spec);
    }

    #[test]
    fn inverted_and_overlapping_intervals_are_field_errors() {
        let spec = StaffSpec {
            name: " ".into(),
            phone: None,
            services: vec!["Manicure".into(), "manicure ".into()],
            schedule: vec![
                iv(Weekday::Monday, "09:00", "13:00"),
                iv(Weekday::Monday, "12:00", "15:00"),
                iv(Weekday::Tuesday, "17:00", "09:00"),
                iv(Weekday::Wednesday, "10:00", "10:00"),
            ],
        };
        let err = spec.validate().expect_err("invalid");
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "services[1]",
                "schedule[2].end",
                "schedule[3].end",
                "schedule[1]"
            ]
        );
        assert!(err.field_errors()[4]
            .message
            .contains("overlaps schedule[0]"));
    }
}
