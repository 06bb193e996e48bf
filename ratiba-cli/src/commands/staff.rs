//! `ratiba staff add | list | remove`: a tenant's staff and weekly schedules.

use std::process::ExitCode;

use anyhow::Result;
use ratiba_core::staff::{ScheduleInterval, StaffMember, StaffSpec, TimeOfDay, Weekday};
use ratiba_core::{Error, FieldError, Onboarder, Slug};

use crate::args::{StaffAddArgs, StaffCommand};
use crate::config::Config;
use crate::{exit, output};

pub async fn run(onboarder: &Onboarder, config: &Config, cmd: StaffCommand) -> Result<ExitCode> {
    match cmd {
        StaffCommand::Add(args) => {
            let slug = Slug::parse(&args.tenant)?;
            let spec = spec(args)?;
            let member = onboarder.add_staff(&slug, &spec).await?;
            if config.json {
                output::json(&member)?;
            } else {
                println!("added staff member {} ({})", member.name, member.id);
                println!("{}", table(std::slice::from_ref(&member)));
            }
        }
        StaffCommand::List { tenant } => {
            let staff = onboarder.list_staff(&Slug::parse(&tenant)?).await?;
            if config.json {
                output::json(&staff)?;
            } else if staff.is_empty() {
                println!("no staff yet");
            } else {
                println!("{}", table(&staff));
            }
        }
        StaffCommand::Remove { tenant, id } => {
            let slug = Slug::parse(&tenant)?;
            onboarder.remove_staff(&slug, id.trim()).await?;
            if config.json {
                output::json(&serde_json::json!({"removed": id.trim()}))?;
            } else {
                println!("removed staff member {} from {slug}", id.trim());
            }
        }
    }
    Ok(ExitCode::from(exit::OK))
}

/// The spec from flags; a schedule flag that does not parse is a field error
/// `schedule[i]` (all of them at once).
fn spec(args: StaffAddArgs) -> Result<StaffSpec, Error> {
    let mut errors = Vec::new();
    let mut schedule = Vec::new();
    for (i, raw) in args.schedule.iter().enumerate() {
        match interval(raw) {
            Ok(iv) => schedule.push(iv),
            Err(rule) => errors.push(FieldError::new(format!("schedule[{i}]"), rule)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors));
    }
    Ok(StaffSpec {
        name: args.name,
        phone: args.phone,
        services: args.services,
        schedule,
    })
}

/// `mon 09:00-17:00` (English or Swahili day names).
fn interval(raw: &str) -> Result<ScheduleInterval, String> {
    let shape = || format!("'{}' is not like \"mon 09:00-17:00\"", raw.trim());
    let (day, times) = raw
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(shape)?;
    let weekday = Weekday::parse(day).ok_or_else(|| {
        format!("'{day}' is not a weekday (mon, tue, ... sun, or jumatatu ... jumapili)")
    })?;
    let (start, end) = times.trim().split_once('-').ok_or_else(shape)?;
    let time = |t: &str| {
        TimeOfDay::parse(t).ok_or_else(|| format!("'{}' is not a time like 09:30", t.trim()))
    };
    Ok(ScheduleInterval {
        weekday,
        start: time(start)?,
        end: time(end)?,
    })
}

fn table(staff: &[StaffMember]) -> String {
    let rows: Vec<Vec<String>> = staff
        .iter()
        .map(|m| {
            let schedule: Vec<String> = m
                .schedule
                .iter()
                .map(|iv| format!("{} {}-{}", &iv.weekday.as_str()[..3], iv.start, iv.end))
                .collect();
            vec![
                m.id.clone(),
                m.name.clone(),
                m.phone.clone().unwrap_or_default(),
                m.services.join(", "),
                schedule.join(", "),
            ]
        })
        .collect();
    output::table(&["ID", "NAME", "PHONE", "SERVICES", "SCHEDULE"], &rows)
}

#[cfg(test)]
mod tests {
    use super::interval;

    #[test]
    fn schedule_flags_parse_or_name_the_rule() {
        let iv = interval("Mon 09:00-17:00").expect("valid");
        assert_eq!(
            (iv.start.to_string(), iv.end.to_string()),
            ("09:00".into(), "17:00".into())
        );
        assert!(interval("jumamosi 10:00-16:00").is_ok());
        assert!(interval("mon").unwrap_err().contains("not like"));
        assert!(interval("xyz 09:00-10:00")
            .unwrap_err()
            .contains("not a weekday"));
        assert!(interval("mon 9-17").unwrap_err().contains("not a time"));
    }
}
