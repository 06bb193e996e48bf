//! Staff in a tenant file: `staff`, `staff_services` and `staff_schedules`, each
//! write in one transaction (the services resolved inside it).

use chrono::Utc;
use sqlx::{Connection, Row, SqliteConnection};
use ulid::Ulid;

use super::registry::timestamp;
use super::{db_error, SqliteStore};
use crate::error::{Error, Result};
use crate::staff::{
    staff_not_found, ResolvedStaff, ScheduleInterval, StaffMember, StaffSpec, TimeOfDay, Weekday,
};
use crate::tenant::Slug;

async fn catalog(conn: &mut SqliteConnection) -> Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, name FROM services ORDER BY name")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error("read services", e))
}

/// Writes the services and schedule rows of `id` (after the old ones are gone).
async fn write_children(
    conn: &mut SqliteConnection,
    id: &str,
    staff: &ResolvedStaff,
) -> Result<()> {
    let what = "write staff";
    for (service_id, _) in &staff.services {
        sqlx::query("INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)")
            .bind(id)
            .bind(service_id)
            .execute(&mut *conn)
            .await
            .map_err(|e| db_error(what, e))?;
    }
    for iv in &staff.schedule {
        sqlx::query(
            "INSERT INTO staff_schedules (id, staff_id, weekday, start_time, end_time) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(Ulid::new().to_string())
        .bind(id)
        .bind(i64::from(iv.weekday.index()))
        .bind(iv.start.to_string())
        .bind(iv.end.to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?;
    }
    Ok(())
}

async fn read(conn: &mut SqliteConnection, only: Option<&str>) -> Result<Vec<StaffMember>> {
    let what = "list staff";
    let rows = sqlx::query(
        "SELECT id, name, phone_number FROM staff WHERE ?1 IS NULL OR id = ?1 ORDER BY name, id",
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
              WHERE ss.staff_id = ? ORDER BY s.name",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error(what, e))?;
        let schedule = sqlx::query(
            "SELECT weekday, start_time, end_time FROM staff_schedules
              WHERE staff_id = ? ORDER BY weekday, start_time",
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

fn interval(weekday: i64, start: String, end: String) -> Result<ScheduleInterval> {
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

async fn fetch_one(conn: &mut SqliteConnection, slug: &Slug, id: &str) -> Result<StaffMember> {
    read(conn, Some(id))
        .await?
        .pop()
        .ok_or_else(|| staff_not_found(slug, id))
}

pub(super) async fn create(
    store: &SqliteStore,
    slug: &Slug,
    spec: &StaffSpec,
) -> Result<StaffMember> {
    let what = "create staff";
    let mut conn = store.tenant_store(slug).await?;
    let mut tx = conn.begin().await.map_err(|e| db_error(what, e))?;
    let resolved = spec.resolve(&catalog(&mut tx).await?)?;
    let id = Ulid::new().to_string();
    let now = timestamp(&Utc::now());
    sqlx::query(
        "INSERT INTO staff (id, name, phone_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&resolved.name)
    .bind(&resolved.phone)
    .bind(&now)
    .bind(&now)
    .execute(&mut *tx)
    .await
    .map_err(|e| db_error(what, e))?;
    write_children(&mut tx, &id, &resolved).await?;
    let created = fetch_one(&mut tx, slug, &id).await?;
    tx.commit().await.map_err(|e| db_error(what, e))?;
    Ok(created)
}

pub(super) async fn list(store: &SqliteStore, slug: &Slug) -> Result<Vec<StaffMember>> {
    let mut conn = store.tenant_store(slug).await?;
    read(&mut conn, None).await
}

pub(super) async fn update(
    store: &SqliteStore,
    slug: &Slug,
    id: &str,
    spec: &StaffSpec,
) -> Result<StaffMember> {
    let what = "update staff";
    let mut conn = store.tenant_store(slug).await?;
    let mut tx = conn.begin().await.map_err(|e| db_error(what, e))?;
    let resolved = spec.resolve(&catalog(&mut tx).await?)?;
    let updated =
        sqlx::query("UPDATE staff SET name = ?, phone_number = ?, updated_at = ? WHERE id = ?")
            .bind(&resolved.name)
            .bind(&resolved.phone)
            .bind(timestamp(&Utc::now()))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?
            .rows_affected();
    if updated == 0 {
        return Err(staff_not_found(slug, id));
    }
    for table in ["staff_services", "staff_schedules"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = ?"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?;
    }
    write_children(&mut tx, id, &resolved).await?;
    let member = fetch_one(&mut tx, slug, id).await?;
    tx.commit().await.map_err(|e| db_error(what, e))?;
    Ok(member)
}

pub(super) async fn delete(store: &SqliteStore, slug: &Slug, id: &str) -> Result<()> {
    let what = "delete staff";
    let mut conn = store.tenant_store(slug).await?;
    let mut tx = conn.begin().await.map_err(|e| db_error(what, e))?;
    for table in ["staff_services", "staff_schedules"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = ?"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?;
    }
    let deleted = sqlx::query("DELETE FROM staff WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?
        .rows_affected();
    if deleted == 0 {
        return Err(staff_not_found(slug, id));
    }
    tx.commit().await.map_err(|e| db_error(what, e))?;
    Ok(())
}
