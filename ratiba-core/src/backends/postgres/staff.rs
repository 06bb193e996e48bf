//! Staff in a tenant schema through [`PgStore::with_tenant`]: `staff`,
//! `staff_services` and `staff_schedules`, each write in one transaction (the
//! services resolved inside it, the staff row locked while it is replaced).

use sqlx::{PgConnection, Row};

use super::{db_error, PgStore};
use crate::error::{Error, Result};
use crate::staff::{
    staff_not_found, ResolvedStaff, ScheduleInterval, StaffMember, StaffSpec, TimeOfDay, Weekday,
};
use crate::tenant::Slug;

async fn catalog(conn: &mut PgConnection) -> Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id::text, name FROM services ORDER BY name COLLATE \"C\"")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error("read services", e))
}

async fn write_children(conn: &mut PgConnection, id: &str, staff: &ResolvedStaff) -> Result<()> {
    let what = "write staff";
    for (service_id, _) in &staff.services {
        sqlx::query(
            "INSERT INTO staff_services (staff_id, service_id) VALUES ($1::uuid, $2::uuid)",
        )
        .bind(id)
        .bind(service_id)
        .execute(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?;
    }
    for iv in &staff.schedule {
        sqlx::query(
            "INSERT INTO staff_schedules (staff_id, weekday, start_time, end_time)
             VALUES ($1::uuid, $2, $3::time, $4::time)",
        )
        .bind(id)
        .bind(i16::from(iv.weekday.index()))
        .bind(iv.start.to_string())
        .bind(iv.end.to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?;
    }
    Ok(())
}

async fn clear_children(conn: &mut PgConnection, id: &str, what: &str) -> Result<()> {
    for sql in [
        "DELETE FROM staff_services WHERE staff_id::text = $1",
        "DELETE FROM staff_schedules WHERE staff_id::text = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| db_error(what, e))?;
    }
    Ok(())
}

fn interval(weekday: i16, start: String, end: String) -> Result<ScheduleInterval> {
    let bad = || Error::backend(format!("bad schedule row: {weekday} {start}-{end}"));
    Ok(ScheduleInterval {
        weekday: u8::try_from(weekday)
            .ok()
            .and_then(Weekday::from_index)
            .ok_or_else(bad)?,
        start: TimeOfDay::parse(&start).ok_or_else(bad)?,
        end: TimeOfDay::parse(&end).ok_or_else(bad)?,
    })
}

async fn read(conn: &mut PgConnection, only: Option<String>) -> Result<Vec<StaffMember>> {
    let what = "list staff";
    let rows = sqlx::query(
        "SELECT id::text AS id, name, phone_number FROM staff
          WHERE $1::text IS NULL OR id::text = $1
          ORDER BY name COLLATE \"C\", id",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| db_error(what, e))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get("id");
        let services: Vec<String> = sqlx::query_scalar(
            "SELECT s.name FROM staff_services ss JOIN services s ON s.id = ss.service_id
              WHERE ss.staff_id::text = $1 ORDER BY s.name COLLATE \"C\"",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?;
        let schedule = sqlx::query(
            "SELECT weekday, to_char(start_time, 'HH24:MI') AS start_time,
                    to_char(end_time, 'HH24:MI') AS end_time
               FROM staff_schedules WHERE staff_id::text = $1 ORDER BY weekday, start_time",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?
        .into_iter()
        .map(|s| interval(s.get("weekday"), s.get("start_time"), s.get("end_time")))
        .collect::<Result<Vec<_>>>()?;
        out.push(StaffMember {
            id,
            name: r.get("name"),
            phone: r.get("phone_number"),
            services,
            schedule,
        });
    }
    Ok(out)
}

async fn fetch_one(conn: &mut PgConnection, slug: &str, id: &str) -> Result<StaffMember> {
    read(conn, Some(id.to_string()))
        .await?
        .pop()
        .ok_or_else(|| staff_not_found(&slug, id))
}

pub(super) async fn create(store: &PgStore, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
    let spec = spec.clone();
    let tenant = slug.to_string();
    store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                let what = "create staff";
                let resolved = spec.resolve(&catalog(conn).await?)?;
                let id: String = sqlx::query_scalar(
                    "INSERT INTO staff (name, phone_number) VALUES ($1, $2) RETURNING id::text",
                )
                .bind(&resolved.name)
                .bind(&resolved.phone)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| db_error(what, e))?;
                write_children(conn, &id, &resolved).await?;
                fetch_one(conn, &tenant, &id).await
            })
        })
        .await
}

pub(super) async fn list(store: &PgStore, slug: &Slug) -> Result<Vec<StaffMember>> {
    store
        .with_tenant(slug, |conn| Box::pin(async move { read(conn, None).await }))
        .await
}

pub(super) async fn update(
    store: &PgStore,
    slug: &Slug,
    id: &str,
    spec: &StaffSpec,
) -> Result<StaffMember> {
    let spec = spec.clone();
    let tenant = slug.to_string();
    let id = id.to_string();
    store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                let what = "update staff";
                let updated = sqlx::query(
                    "UPDATE staff SET name = $2, phone_number = $3, updated_at = now()
                      WHERE id::text = $1",
                );
                // Lock the row first, so two updates of one person serialise.
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT id::text FROM staff WHERE id::text = $1 FOR UPDATE")
                        .bind(&id)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(|e| db_error(what, e))?;
                if exists.is_none() {
                    return Err(staff_not_found(&tenant, &id));
                }
                let resolved = spec.resolve(&catalog(conn).await?)?;
                updated
                    .bind(&id)
                    .bind(&resolved.name)
                    .bind(&resolved.phone)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?;
                clear_children(conn, &id, what).await?;
                write_children(conn, &id, &resolved).await?;
                fetch_one(conn, &tenant, &id).await
            })
        })
        .await
}

pub(super) async fn delete(store: &PgStore, slug: &Slug, id: &str) -> Result<()> {
    let tenant = slug.to_string();
    let id = id.to_string();
    store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                let what = "delete staff";
                clear_children(conn, &id, what).await?;
                let deleted = sqlx::query("DELETE FROM staff WHERE id::text = $1")
                    .bind(&id)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?
                    .rows_affected();
                if deleted == 0 {
                    return Err(staff_not_found(&tenant, &id));
                }
                Ok(())
            })
        })
        .await
}
