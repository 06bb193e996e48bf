//! `ratiba staff add | list | remove`: a tenant's staff and weekly schedules.

use std::process::ExitCode;

use anyhow::Result;
use ratiba_core::staff::{IntervalText, StaffMember, StaffRequest, StaffSpec};
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

/// The spec from flags: each `--schedule` is split into weekday and times here
/// (its shape is the CLI's); the core reads them as it reads the HTTP API's JSON,
/// so the errors (`schedule[i].start`, ...) are the same, all of them at once.
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
    StaffRequest {
        name: args.name,
        phone: args.phone,
        services: args.services,
        schedule,
    }
    .into_spec()
}

/// `mon 09:00-17:00` into its three parts; only the shape is checked here.
fn interval(raw: &str) -> Result<IntervalText, String> {
    let shape = || format!("'{}' is not like \"mon 09:00-17:00\"", raw.trim());
    let (day, times) = raw
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(shape)?;
    let (start, end) = times.trim().split_once('-').ok_or_else(shape)?;
    Ok(IntervalText {
        weekday: day.to_string(),
        start: start.trim().to_string(),
        end: end.trim().to_string(),
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
    use super::*;

    fn add(schedule: &[&str]) -> Result<StaffSpec, Error> {
        spec(StaffAddArgs {
            tenant: "spa_pilot".into(),
            name: "Wanjiku".into(),
            phone: None,
            services: vec![],
            schedule: schedule.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn fields(err: Error) -> Vec<(String, String)> {
        match err.kind() {
            ratiba_core::ErrorKind::Validation { fields } => fields
                .iter()
                .map(|f| (f.field.clone(), f.message.clone()))
                .collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn schedule_flags_parse_or_name_the_field_and_rule() {
        let spec = add(&["Mon 09:00-17:00", "jumamosi 10:00-16:00"]).expect("valid");
        assert_eq!(spec.schedule.len(), 2);
        assert_eq!(spec.schedule[0].start.to_string(), "09:00");
        let shape = fields(add(&["mon"]).expect_err("shape"));
        assert_eq!(shape[0].0, "schedule[0]");
        assert!(shape[0].1.contains("not like"));
        // The same fields and messages as the HTTP API's, every problem at once.
        let bad = fields(add(&["xyz 09:00-10:00", "mon 9-17"]).expect_err("bad"));
        let names: Vec<&str> = bad.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "schedule[0].weekday",
                "schedule[1].start",
                "schedule[1].end"
            ]
        );
        assert!(bad[0].1.contains("not a weekday"));
        assert!(bad[1].1.contains("not a time"));
    }
}
