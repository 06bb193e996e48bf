use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ratiba_core::{Onboarder, Slug, TenantSpec};
use serde_json::{Map, Value};

use super::{confirm, read_input};
use crate::args::{CreateArgs, TenantsCommand};
use crate::config::Config;
use crate::{exit, output};

pub async fn run(onboarder: &Onboarder, config: &Config, cmd: TenantsCommand) -> Result<ExitCode> {
    match cmd {
        TenantsCommand::Create(args) => {
            let spec = TenantSpec::parse(&request(*args)?)?;
            let tenant = onboarder.onboard(spec).await?;
            if config.json {
                output::json(&tenant)?;
            } else {
                println!(
                    "onboarded tenant {}\n{}",
                    tenant.slug,
                    output::tenant(&tenant)
                );
            }
        }
        TenantsCommand::List => {
            let tenants = onboarder.list().await?;
            if config.json {
                output::json(&tenants)?;
            } else {
                println!("{}", output::tenants(&tenants));
            }
        }
        TenantsCommand::Show { slug } => {
            let tenant = onboarder.get(&Slug::parse(&slug)?).await?;
            if config.json {
                output::json(&tenant)?;
            } else {
                println!("{}", output::tenant(&tenant));
            }
        }
        TenantsCommand::Verify { slug } => {
            let report = onboarder.verify(&Slug::parse(&slug)?).await?;
            if config.json {
                output::json(&report)?;
            } else {
                println!("{}", output::verify(&report));
            }
            if !report.ok {
                return Ok(ExitCode::from(exit::CHECK_FAILED));
            }
        }
        TenantsCommand::OwnerPassword { slug } => {
            let sign_in = onboarder.reset_owner_password(&Slug::parse(&slug)?).await?;
            if config.json {
                output::json(&serde_json::json!({
                    "realm": sign_in.realm,
                    "username": sign_in.username,
                    "temporary_password": sign_in.temporary_password.expose(),
                }))?;
            } else {
                println!(
                    "one-time password for the owner of {} (shown once; they choose their own at the first sign-in)\n\
                     business ID  {}\nusername     {}\npassword     {}\n\
                     sign in at <dashboard>/admin/signin?realm={}",
                    sign_in.realm,
                    sign_in.realm,
                    sign_in.username,
                    sign_in.temporary_password.expose(),
                    sign_in.realm,
                );
            }
        }
        TenantsCommand::Delete { slug, yes } => {
            let slug = Slug::parse(&slug)?;
            onboarder.get(&slug).await?;
            if !yes && !confirm(&format!("delete tenant '{slug}' with its store and realm?"))? {
                bail!("not deleted: confirm on a terminal, or pass --yes");
            }
            onboarder.delete(&slug).await?;
            if config.json {
                output::json(&serde_json::json!({"deleted": slug.as_str()}))?;
            } else {
                println!("deleted tenant {slug}: registry rows, store and realm");
            }
        }
    }
    Ok(ExitCode::from(exit::OK))
}

/// The onboarding request: the JSON file's fields, then any flags over them.
fn request(args: CreateArgs) -> Result<Value> {
    let mut map = match &args.from_json {
        Some(path) => {
            let bytes = read_input(path)?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8", path.display()))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    return Err(ratiba_core::Error::field("body", "must be a JSON object").into())
                }
                Err(e) => {
                    return Err(ratiba_core::Error::field(
                        "body",
                        format!("{} is not valid JSON: {e}", path.display()),
                    )
                    .into())
                }
            }
        }
        None => Map::new(),
    };
    let strings = [
        ("name", args.name),
        ("slug", args.slug),
        ("vertical", args.vertical),
        ("owner_phone", args.owner_phone),
        ("whatsapp_number", args.whatsapp_number),
        ("voice_number", args.voice_number),
        ("locale", args.locale),
        ("timezone", args.timezone),
        ("whatsapp_phone_number_id", args.whatsapp_phone_number_id),
        ("whatsapp_access_token", args.whatsapp_access_token),
        (
            "whatsapp_business_account_id",
            args.whatsapp_business_account_id,
        ),
    ];
    for (field, value) in strings {
        if let Some(v) = value {
            map.insert(field.into(), Value::String(v));
        }
    }
    if let Some(m) = args.mpesa_enabled {
        map.insert("mpesa_enabled".into(), Value::Bool(m));
    }
    Ok(Value::Object(map))
}
